/**
 * Benchmark: N concurrent `wait-for-condition` steps on objects that become
 * ready at random times within a window, against the mock cluster served over
 * real HTTP (or nock with `--nock`). Prints requests per waiting step, wall
 * time after the last readiness, and memory per waiting step.
 *
 *   node --conditions=source --import tsx packages/steps-kubernetes/bench/kubernetes-waits.bench.ts [--waits 1000] [--window 5000] [--nock]
 */
import { parseArgs } from 'node:util';
import { createMockStepContext } from '@innominatus/core/testing';
import { KubernetesClient, waitForCondition } from '@innominatus/steps-kubernetes';
import { createMockCluster } from '@innominatus/steps-kubernetes/testing';

const { values } = parseArgs({
  options: { waits: { type: 'string', default: '1000' }, window: { type: 'string', default: '5000' }, nock: { type: 'boolean', default: false } },
});
const N = Number(values.waits);
const WINDOW_MS = Number(values.window);
const gc = (globalThis as { gc?: () => void }).gc;

const cluster = createMockCluster({ namespaces: ['bench'] });
cluster.registerKind({ group: 'bench.innominatus.io', version: 'v1', kind: 'Widget', plural: 'widgets', namespaced: true });
const kubeConfig = values.nock ? cluster.nock() : (await cluster.listen()).kubeConfig;
const client = new KubernetesClient(kubeConfig);
const step = waitForCondition({ client });
const ref = (i: number) => ({ apiVersion: 'bench.innominatus.io/v1', kind: 'Widget', name: `w-${i}`, namespace: 'bench' });
for (let i = 0; i < N; i++)
  cluster.apply({ apiVersion: 'bench.innominatus.io/v1', kind: 'Widget', metadata: { name: `w-${i}`, namespace: 'bench' }, spec: { n: i } });

gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const started = performance.now();
const doneAt: number[] = [];
const waits = Array.from({ length: N }, (_, i) =>
  step
    .run(
      { resource: ref(i), successWhen: 'has(object.status) && object.status.ready == true', timeout: `${WINDOW_MS + 30_000}ms` },
      createMockStepContext({ timeoutMs: WINDOW_MS + 60_000 }),
    )
    .then(() => {
      doneAt[i] = performance.now();
    }),
);
// Let every wait subscribe to the shared watch before measuring what waiting costs.
while (client.hub.stats().listeners < N) await new Promise((r) => setTimeout(r, 5));
const heapWaiting = process.memoryUsage().heapUsed;

let lastReady = 0;
const readyTimers = Array.from(
  { length: N },
  (_, i) =>
    new Promise<void>((resolve) => {
      setTimeout(() => {
        cluster.setStatus(ref(i), { ready: true });
        lastReady = performance.now();
        resolve();
      }, Math.random() * WINDOW_MS);
    }),
);
await Promise.all(readyTimers);
await Promise.all(waits);
const allDone = Math.max(...doneAt);

const byVerb: Record<string, number> = {};
for (const r of cluster.requests) byVerb[r.verb] = (byVerb[r.verb] ?? 0) + 1;
const results = {
  date: new Date().toISOString(),
  node: process.version,
  transport: values.nock ? 'nock' : 'http (listen)',
  waits: N,
  readinessWindowMs: WINDOW_MS,
  apiRequests: cluster.requests.length,
  requestsByVerb: byVerb,
  requestsPerWaitingStep: +(cluster.requests.length / N).toFixed(4),
  wallTimeAfterLastReadinessMs: +(allDone - lastReady).toFixed(1),
  totalWallTimeMs: +(allDone - started).toFixed(0),
  heapPerWaitingStepBytes: Math.round((heapWaiting - heapBefore) / N),
  heapMeasuredWithGc: gc !== undefined,
};
console.log(JSON.stringify(results, null, 2));
await cluster.close();
process.exit(0);
