import { EventEmitter } from 'eventemitter3';
import { ENGINE_EVENT_NAMES, type EngineEvents } from '../engine/events';
import { InnominatusError, StoreError } from '../errors';
import { ClaimLoop } from './claim-loop';
import { LeaseKeeper } from './lease-keeper';
import { createRequestApi, requestsInTransaction } from './request-api';
import { ResourceServer } from './serve-resource';
import { resolveSettings, type OrchestratorSettings } from './settings';
import { Transitions } from './transitions';
import type { Orchestrator, OrchestratorEvents, OrchestratorOptions } from './types';
import type { ReportError, Work } from './work';

export { runIdFor } from './lifecycle';

/**
 * Creates an orchestrator: it claims requested work from the store in batches
 * under a lease (with heartbeats), resolves type → provider → workflow, runs it
 * on the engine with bounded concurrency and moves each resource through its
 * lifecycle. It is woken at once by `submit` (and, through the store, by other
 * replicas) and polls only as a safety net.
 *
 * @example
 * const store = await createSqliteStore({ filename: 'innominatus.db', encrypter });
 * const engine = createEngine({ steps, journal: store, encrypter });
 * const orchestrator = createOrchestrator({ store, engine, registry });
 * orchestrator.start();
 * await orchestrator.submit({ application: 'shop', name: 'db', type: 'postgres', properties: { size: 'S' } });
 */
export function createOrchestrator(options: OrchestratorOptions): Orchestrator {
  const settings = resolveSettings(options);
  const { store, engine } = options;
  const { owner, logger, clock } = settings;
  const events = new EventEmitter<OrchestratorEvents>();
  const report = errorReporter(owner, logger, events);
  // Aborted by stop(): runs finish the step they are in and pause before the next one.
  let pausing = new AbortController();
  const transitions = new Transitions(store, (e) => events.emit('resource:transition', e));
  const inflight = new Map<string, Work>();
  const leases = new LeaseKeeper(settings, store, inflight, report);
  const claims = new ClaimLoop(
    settings,
    store,
    () => inflight.size,
    (r, at) => server.take(r, at),
    report,
  );
  const server = new ResourceServer({
    settings,
    store,
    engine,
    registry: options.registry,
    events,
    transitions,
    report,
    pause: () => pausing.signal,
    inflight,
    leases,
    claims,
  });
  let unforward: (() => void) | undefined;

  return {
    owner,
    events,
    ...createRequestApi(store, transitions, claims.kick),
    transaction: (locks, fn) => requestsInTransaction(store, locks, fn, events, claims.kick),

    start() {
      if (claims.running) return;
      pausing = new AbortController();
      unforward = forwardEngineEvents(engine.events, events, server);
      claims.start(reclaimLeases(settings, store, report));
      leases.start();
    },

    async stop({ graceMs = 10_000 } = {}) {
      if (!claims.running) return;
      // Running steps may finish within the grace period, but no run starts another step.
      claims.stop();
      pausing.abort();
      await drain(inflight, clock, graceMs);
      leases.stop();
      unforward?.();
      unforward = undefined;
    },

    running() {
      return [...inflight.keys()];
    },
  };
}

/**
 * Gives up the leases held under this owner name: they are from this
 * instance's previous life (a crash), and taking them back now beats waiting
 * them out. Resolves when done; a failure is reported, and the work then
 * resumes when those leases expire.
 */
function reclaimLeases(settings: OrchestratorSettings, store: OrchestratorOptions['store'], report: ReportError): Promise<unknown> {
  const { owner, logger } = settings;
  return store.releaseAll(owner).then(
    (n) => n && logger.info(`released ${n} lease(s) this instance held before it started; their work resumes now`, { owner }),
    (err: unknown) => report('releasing the leases held before the start failed; their work resumes when the leases expire', err),
  );
}

/** Logs an orchestrator error (with its code, when it has one) and emits it as `orchestrator:error`. */
function errorReporter(owner: string, logger: OrchestratorSettings['logger'], events: EventEmitter<OrchestratorEvents>): ReportError {
  return (message, error) => {
    const code = InnominatusError.is(error) ? error.code : undefined;
    const text = error === undefined ? message : `${message}: ${error instanceof Error ? error.message : String(error)}`;
    logger.error(text, { owner, ...(code ? { code } : {}) });
    events.emit('orchestrator:error', code ? { message: text, code } : { message: text });
  };
}

/** Waits up to `graceMs` for the work in flight to finish, then aborts what is left (`ORCHESTRATOR_STOPPING`) and waits for it to end. */
async function drain(inflight: Map<string, Work>, clock: OrchestratorSettings['clock'], graceMs: number): Promise<void> {
  const all = () => Promise.all([...inflight.values()].map((w) => w.done));
  let graceTimer: ReturnType<typeof clock.setTimeout> | undefined;
  await Promise.race([
    all(),
    new Promise((resolve) => {
      graceTimer = clock.setTimeout(() => resolve(undefined), graceMs);
    }),
  ]);
  clock.clearTimeout(graceTimer);
  for (const w of inflight.values()) {
    w.abortReason = 'stop';
    w.controller.abort(new StoreError('ORCHESTRATOR_STOPPING', 'the orchestrator is stopping'));
  }
  await all();
}

/** Re-emits the engine events of the runs this orchestrator serves, with the resource's id, application and name added. */
function forwardEngineEvents(source: EventEmitter<EngineEvents>, target: EventEmitter<OrchestratorEvents>, server: ResourceServer): () => void {
  const handlers = ENGINE_EVENT_NAMES.map((name) => {
    const handler = (e: { runId: string }) => {
      const work = server.byRun.get(e.runId);
      if (work)
        (target.emit as (n: string, p: unknown) => boolean)(name, { ...e, resourceId: work.resourceId, application: work.application, name: work.name });
    };
    source.on(name, handler as never);
    return [name, handler] as const;
  });
  return () => {
    for (const [name, handler] of handlers) source.off(name, handler as never);
  };
}
