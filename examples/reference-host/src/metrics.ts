import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EventHub } from './event-hub';

/** The host's Prometheus metrics, on their own registry (several hosts may share a process). */
export interface HostMetrics {
  registry: Registry;
  /** Records when work was requested for a resource, to measure detection latency. */
  requested(resourceId: string): void;
}

const WORKING = new Set(['provisioning', 'updating', 'terminating']);

/**
 * Creates the metrics: runs by outcome, step durations by type and outcome,
 * queue depth (resources waiting for a worker, read once per scrape), whether the store answered that read (`innominatus_store_up`;
 * a failed read is passed to `onStoreError` and the scrape still succeeds)
 * detection latency (request → its workflow starting) and failed tries that
 * are waited out (`innominatus_resource_retries_total{code}`, from the hub's `retrying` events).
 */
export function createMetrics(hub: EventHub, queueDepth: () => Promise<number>, onStoreError: (error: unknown) => void = () => undefined): HostMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'innominatus_host_' });
  const runs = new Counter({ name: 'innominatus_runs_total', help: 'Workflow runs of resources by outcome', labelNames: ['outcome'], registers: [registry] });
  const steps = new Histogram({
    name: 'innominatus_step_duration_seconds',
    help: 'Duration of workflow steps',
    labelNames: ['type', 'status'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900],
    registers: [registry],
  });
  const detection = new Histogram({
    name: 'innominatus_detection_latency_seconds',
    help: 'Time from a resource request to its workflow starting',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10],
    registers: [registry],
  });
  const transitions = new Counter({
    name: 'innominatus_resource_transitions_total',
    help: 'Resource lifecycle transitions by target state',
    labelNames: ['to'],
    registers: [registry],
  });
  storeGauges(registry, queueDepth, onStoreError);

  const retries = new Counter({
    name: 'innominatus_resource_retries_total',
    help: 'Failed tries of resource operations that are tried again later (an outage waited out), by error code',
    labelNames: ['code'],
    registers: [registry],
  });
  const pending = new Map<string, number>();
  hub.subscribe((e) => {
    if (e.kind === 'resource') {
      transitions.inc({ to: e.to });
      if (WORKING.has(e.to)) {
        runs.inc({ outcome: 'started' });
        const since = pending.get(e.resourceId);
        if (since !== undefined) detection.observe((performance.now() - since) / 1000);
        pending.delete(e.resourceId);
      } else if (e.from && WORKING.has(e.from)) {
        runs.inc({ outcome: e.to === 'failed' ? 'failed' : 'succeeded' });
      }
    } else if (e.kind === 'retrying') {
      retries.inc({ code: e.error.code });
    } else if ((e.status === 'succeeded' || e.status === 'failed') && e.durationMs !== undefined) {
      steps.observe({ type: e.stepType, status: e.status }, e.durationMs / 1000);
    }
  });
  return {
    registry,
    requested(resourceId) {
      pending.set(resourceId, performance.now());
      if (pending.size > 100_000) pending.delete(pending.keys().next().value!);
    },
  };
}

/** The queue depth and whether the store answered its read: both gauges of one scrape (collected together) share one read; the next scrape reads again. */
function storeGauges(registry: Registry, queueDepth: () => Promise<number>, onStoreError: (error: unknown) => void): void {
  let reading: Promise<number | undefined> | undefined;
  const depthNow = () => {
    if (!reading) {
      const current: Promise<number | undefined> = queueDepth()
        .catch((error: unknown) => {
          onStoreError(error);
          return undefined;
        })
        .finally(() => {
          if (reading === current) reading = undefined;
        });
      reading = current;
    }
    return reading;
  };
  new Gauge({
    name: 'innominatus_queue_depth',
    help: 'Resources with requested work not yet taken by a worker (its last known value while the store does not answer)',
    registers: [registry],
    async collect() {
      const depth = await depthNow();
      if (depth !== undefined) this.set(depth);
    },
  });
  new Gauge({
    name: 'innominatus_store_up',
    help: '1 when the store answered the last read of the queue depth, else 0',
    registers: [registry],
    async collect() {
      this.set((await depthNow()) === undefined ? 0 : 1);
    },
  });
}
