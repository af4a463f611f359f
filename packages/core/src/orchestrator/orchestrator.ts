import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { EventEmitter } from 'eventemitter3';
import type { EngineEvents } from '../engine/events';
import type { ResourceContext } from '../engine/compile-workflow';
import { InnominatusError, StoreError } from '../errors';
import type { JournaledError } from '../journal/types';
import { mapParameters } from '../providers/parameter-mapping';
import type { Operation, ResourcePatch, ResourceRecord, ResourceState } from '../store/types';
import { silentLogger } from '../util/logger';
import { DONE_STATE, WORKING_STATE, createRequested, transition } from './lifecycle';
import type { Orchestrator, OrchestratorEvents, OrchestratorOptions, ResourceRequest } from './types';

const ENGINE_EVENTS: readonly (keyof EngineEvents)[] = [
  'run:started', 'run:succeeded', 'run:failed', 'step:started', 'step:progress', 'step:retrying', 'step:succeeded', 'step:skipped', 'step:failed',
];

interface Work {
  resourceId: string;
  runId?: string;
  controller: AbortController;
  /** Why the run is being aborted; the resource then keeps its state and its run is resumed later. */
  abortReason?: 'stop' | 'lease lost';
  /** When the lease was last known to be held (claim or heartbeat), epoch ms: the time the store was asked, not when it answered. */
  confirmedAt: number;
  /** Aborts the run when the lease is not confirmed again before it could have lapsed. */
  watchdog?: NodeJS.Timeout;
  /** A claim handed the resource back while this work ran (or was finishing): the lease is given up again when it ends. */
  renewed?: boolean;
  done: Promise<void>;
}

/** Store errors that mean "this run is busy elsewhere right now", never a failure of the operation. */
const CONTENDED = new Set(['RUN_ACTIVE', 'RUN_EXISTS']);

/**
 * The deterministic run id of one operation on one resource: a replica that
 * takes over finds the run in the journal and resumes it instead of starting
 * a second one.
 */
export function runIdFor(resourceId: string, operation: Operation, generation: number): string {
  return `${resourceId}:${operation}:${generation}`;
}

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
  const { store, engine, registry } = options;
  if (engine.journal !== store) {
    throw new StoreError('OPTIONS_INVALID', "the engine's journal must be the orchestrator's store (createEngine({ journal: store })), or another replica could not resume its runs");
  }
  const owner = options.owner ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const concurrency = positive('concurrency', options.concurrency ?? 100);
  const batchSize = positive('batchSize', options.batchSize ?? 25);
  const leaseMs = positive('leaseMs', options.leaseMs ?? 30_000);
  const heartbeatMs = positive('heartbeatMs', options.heartbeatMs ?? Math.max(1, Math.floor(leaseMs / 3)));
  // A run stops this long before its lease could lapse unless a heartbeat confirmed it, so two replicas never both work on it.
  const leaseMarginMs = Math.min(Math.max(1, Math.floor(leaseMs / 5)), 5_000);
  const heartbeatTimeoutMs = Math.max(1, Math.min(heartbeatMs, leaseMs - leaseMarginMs));
  const pollIntervalMs = positive('pollIntervalMs', options.pollIntervalMs ?? 5_000);
  const maxTries = positive('retry.attempts', options.retry?.attempts ?? 3);
  const backoff = options.retry?.backoff ?? ((n: number) => Math.min(1_000 * 2 ** (n - 1), 60_000));
  const delayFor = (failedTries: number) => (typeof backoff === 'number' ? backoff : backoff(failedTries));
  const logger = options.logger ?? silentLogger;
  const events = new EventEmitter<OrchestratorEvents>();

  const inflight = new Map<string, Work>();
  const runToResource = new Map<string, string>();
  const timers = new Set<NodeJS.Timeout>();
  let running = false;
  // Aborted by stop(): runs finish the step they are in and pause before the next one.
  let pausing = new AbortController();
  let pumping = false;
  let pumpAgain = false;
  let pollTimer: NodeJS.Timeout | undefined;
  let heartbeatTimer: NodeJS.Timeout | undefined;
  let heartbeating = false;
  let unsubscribeStore: (() => void) | undefined;
  const engineHandlers: [keyof EngineEvents, (e: { runId: string }) => void][] = [];

  const fail = (message: string, error?: unknown) => {
    const code = InnominatusError.is(error) ? error.code : undefined;
    const text = error === undefined ? message : `${message}: ${error instanceof Error ? error.message : String(error)}`;
    logger.error(text, { owner, ...(code ? { code } : {}) });
    events.emit('orchestrator:error', code ? { message: text, code } : { message: text });
  };

  const emitTransition = (r: ResourceRecord, from: ResourceState | undefined, reason: string) => {
    events.emit('resource:transition', {
      resourceId: r.id, application: r.application, name: r.name, type: r.type, ...(from ? { from } : {}),
      to: r.state, reason, at: r.updatedAt, ...(r.state === 'failed' && r.error ? { error: r.error } : {}),
    });
  };

  const move = async (id: string, from: ResourceState, to: ResourceState, reason: string, extra: { owner?: string; set?: ResourcePatch } = {}) => {
    const moved = await transition(store, id, { from, to, reason, ...extra });
    if (moved) emitTransition(moved, from, reason);
    return moved;
  };

  const kick = () => {
    if (!running) return;
    if (pumping) {
      pumpAgain = true;
      return;
    }
    void pump();
  };

  async function pump(): Promise<void> {
    pumping = true;
    try {
      do {
        pumpAgain = false;
        while (running && inflight.size < concurrency) {
          const want = Math.min(batchSize, concurrency - inflight.size);
          const asked = Date.now();
          const batch = await store.claim(owner, want, leaseMs);
          for (const r of batch) begin(r, asked);
          if (batch.length < want) break;
        }
      } while (pumpAgain && running && inflight.size < concurrency);
    } catch (error) {
      fail('claiming work failed', error);
    } finally {
      pumping = false;
    }
  }

  /** Records that the lease on `work` was held at `at` and re-arms its watchdog. */
  function confirm(work: Work, at: number): void {
    if (work.abortReason) return;
    work.confirmedAt = Math.max(work.confirmedAt, at);
    clearTimeout(work.watchdog);
    work.watchdog = setTimeout(() => {
      loseLease(work, `lease not confirmed within ${leaseMs - leaseMarginMs} ms; aborting the run so another replica can resume it`);
    }, Math.max(0, work.confirmedAt + leaseMs - leaseMarginMs - Date.now()));
  }

  function begin(r: ResourceRecord, asked: number): void {
    const current = inflight.get(r.id);
    if (current) {
      // Our own lease lapsed (a slow heartbeat), or the work released it and is finishing, and the claim gave it back: a renewal, not new work.
      current.renewed = true;
      confirm(current, asked);
      return;
    }
    if (!running) {
      void store.release(owner, [r.id]).catch((e) => fail(`releasing resource '${r.id}' failed`, e));
      return;
    }
    const work: Work = { resourceId: r.id, controller: new AbortController(), confirmedAt: asked, done: Promise.resolve() };
    inflight.set(r.id, work);
    confirm(work, asked);
    work.done = serve(r, work)
      .catch((error) => fail(`serving resource '${r.id}' failed`, error))
      .finally(async () => {
        clearTimeout(work.watchdog);
        inflight.delete(r.id);
        if (work.runId) runToResource.delete(work.runId);
        if (work.renewed) await store.release(owner, [r.id]).catch((e) => fail(`releasing resource '${r.id}' failed`, e));
        kick();
      });
  }

  async function serve(claimed: ResourceRecord, work: Work): Promise<void> {
    const op = claimed.pendingOperation;
    if (!op) return;
    const working = WORKING_STATE[op];
    let r: ResourceRecord | undefined = claimed;
    if (claimed.state !== working) {
      const runId = runIdFor(claimed.id, op, claimed.generation);
      r = await move(claimed.id, claimed.state, working, `${op} started by ${owner}`, { owner, set: { runId, error: null } });
      if (!r) return;
    }
    const runId = r.runId ?? runIdFor(r.id, op, r.generation);
    work.runId = runId;
    runToResource.set(runId, r.id);
    try {
      const resolution = registry.resolve(r.type, op);
      const context: ResourceContext = { id: r.id, name: r.name, type: r.type, application: r.application, properties: r.properties, operation: op };
      const existing = await store.getRun(runId);
      const result = existing
        ? await engine.resume(runId, { signal: work.controller.signal, pause: pausing.signal })
        : await engine.run(resolution.workflow, { parameters: mapParameters(resolution, context), context: { resource: context }, runId, signal: work.controller.signal, pause: pausing.signal });
      const done = DONE_STATE[op];
      const moved = await move(r.id, working, done, `${op} workflow '${resolution.workflowName}' of provider '${resolution.providerName}' succeeded`, {
        owner,
        set: { pendingOperation: null, outputs: op === 'delete' ? null : result.outputs, error: null, attempts: 0, nextAttemptAt: null, releaseLease: true },
      });
      if (!moved) logger.warn('lease lost before the result could be stored; the next owner resumes the finished run', { owner, resourceId: r.id, runId });
    } catch (error) {
      await failed(r, op, working, work, error);
    }
  }

  async function failed(r: ResourceRecord, op: Operation, working: ResourceState, work: Work, error: unknown): Promise<void> {
    const paused = InnominatusError.is(error) && error.code === 'RUN_PAUSED';
    if (work.abortReason || paused) {
      await store.release(owner, [r.id]);
      logger.info(`operation interrupted (${work.abortReason ?? 'stopping: paused between steps'}); its run resumes later`, { owner, resourceId: r.id });
      return;
    }
    if (InnominatusError.is(error) && CONTENDED.has(error.code)) {
      // The run is busy in this engine (or was just created by another replica): never a failure of the
      // operation and no try counted. Not claimable for a while, so the claim loop does not spin on it.
      const delayMs = heartbeatMs;
      await store.patchResource(r.id, { owner, state: working }, { nextAttemptAt: new Date(Date.now() + delayMs).toISOString(), releaseLease: true });
      logger.warn(`run busy (${error.code}); trying again in ${delayMs} ms`, { owner, resourceId: r.id });
      const timer = setTimeout(() => {
        timers.delete(timer);
        kick();
      }, delayMs);
      timers.add(timer);
      return;
    }
    const record = journaled(error);
    const failedTries = r.attempts + 1;
    if (record.retryable && failedTries < maxTries) {
      const delayMs = Math.max(0, delayFor(failedTries));
      const patched = await store.patchResource(r.id, { owner, state: working }, {
        attempts: failedTries, error: record, nextAttemptAt: new Date(Date.now() + delayMs).toISOString(), releaseLease: true,
      });
      if (!patched) return;
      events.emit('resource:retrying', { resourceId: r.id, operation: op, failedTries, delayMs, error: record });
      const timer = setTimeout(() => {
        timers.delete(timer);
        kick();
      }, delayMs);
      timers.add(timer);
      return;
    }
    const reason = record.retryable ? `${op} failed after ${failedTries} tries: ${record.message}` : `${op} failed: ${record.message}`;
    await move(r.id, working, 'failed', reason, { owner, set: { attempts: failedTries, error: record, nextAttemptAt: null, releaseLease: true } });
  }

  const loseLease = (work: Work, message = 'lease lost; aborting the run so the new owner can resume it') => {
    if (work.abortReason) return;
    work.abortReason = 'lease lost';
    clearTimeout(work.watchdog);
    logger.warn(message, { owner, resourceId: work.resourceId });
    work.controller.abort(new StoreError('LEASE_LOST', `lease on resource '${work.resourceId}' was lost`));
  };

  async function heartbeat(): Promise<void> {
    const ids = [...inflight.keys()];
    if (ids.length === 0 || heartbeating) return;
    heartbeating = true;
    const asked = Date.now();
    let timeout: NodeJS.Timeout | undefined;
    try {
      const held = new Set(await Promise.race([
        store.heartbeat(owner, ids, leaseMs),
        new Promise<never>((_, reject) => {
          timeout = setTimeout(() => reject(new StoreError('STORE_UNAVAILABLE', `no answer within ${heartbeatTimeoutMs} ms`, { retryable: true })), heartbeatTimeoutMs);
        }),
      ]));
      for (const id of ids) {
        const work = inflight.get(id);
        if (!work) continue;
        if (held.has(id)) confirm(work, asked);
        else loseLease(work);
      }
    } catch (error) {
      // The watchdogs abort runs whose leases stay unconfirmed.
      fail('extending leases failed', error);
    } finally {
      clearTimeout(timeout);
      heartbeating = false;
    }
  }

  async function load(id: string): Promise<ResourceRecord> {
    const r = await store.getResource(id);
    if (!r) throw new StoreError('RESOURCE_NOT_FOUND', `resource '${id}' not found`);
    return r;
  }

  const busy = (r: ResourceRecord, wanted: string) =>
    new StoreError('INVALID_TRANSITION', `resource '${r.name}' (${r.id}) is ${r.state}${r.pendingOperation && r.state !== 'failed' ? ` with a ${r.pendingOperation} pending` : ''}; ${wanted}`);

  const orchestrator: Orchestrator = {
    owner,
    events,

    async submit(request: ResourceRequest) {
      const r = await createRequested(store, request);
      emitTransition(r, undefined, 'create requested');
      kick();
      return r;
    },

    async update(id, properties) {
      if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) {
        throw new StoreError('RESOURCE_INVALID', `the properties of an update of resource '${id}' must be an object`);
      }
      const r = await load(id);
      let updated: ResourceRecord | undefined;
      if (r.state === 'failed' && (r.pendingOperation === 'create' || r.pendingOperation === 'update')) {
        // Correcting a failed create or update: the same operation again with the new properties, as a new run
        // (new generation), so the failed run's old parameters are not resumed.
        const op = r.pendingOperation;
        const generation = r.generation + 1;
        updated = await move(id, 'failed', WORKING_STATE[op], `${op} requested again with new properties`, {
          set: { properties, generation, runId: runIdFor(id, op, generation), attempts: 0, error: null, nextAttemptAt: null },
        });
      } else if (r.state === 'failed') {
        throw busy(r, 'a failed delete cannot be updated; retry or delete it');
      } else if (r.state !== 'active' || r.pendingOperation) {
        throw busy(r, 'only an active resource with no pending work, or a failed one, can be updated');
      } else {
        updated = await store.patchResource(id, { state: 'active', idle: true }, {
          properties, pendingOperation: 'update', generation: r.generation + 1, attempts: 0, error: null, nextAttemptAt: null,
        });
      }
      if (!updated) throw busy(await load(id), 'it changed while the update was requested; try again');
      kick();
      return updated;
    },

    async delete(id) {
      const r = await load(id);
      const set: ResourcePatch = { pendingOperation: 'delete', generation: r.generation + 1, attempts: 0, error: null, nextAttemptAt: null };
      let updated: ResourceRecord | undefined;
      if (r.state === 'active' && !r.pendingOperation) {
        updated = await store.patchResource(id, { state: 'active', idle: true }, set);
      } else if (r.state === 'failed') {
        updated = await move(id, 'failed', 'terminating', 'delete requested', { set: { ...set, runId: runIdFor(id, 'delete', r.generation + 1) } });
      } else {
        throw busy(r, 'only an active or failed resource can be deleted');
      }
      if (!updated) throw busy(await load(id), 'it changed while the delete was requested; try again');
      kick();
      return updated;
    },

    async retry(id) {
      const r = await load(id);
      if (r.state !== 'failed' || !r.pendingOperation) throw busy(r, 'only a failed resource can be retried');
      const moved = await move(id, 'failed', WORKING_STATE[r.pendingOperation], 'retry requested', { set: { attempts: 0, error: null, nextAttemptAt: null } });
      if (!moved) throw busy(await load(id), 'it changed while the retry was requested');
      kick();
      return moved;
    },

    start() {
      if (running) return;
      running = true;
      pausing = new AbortController();
      for (const name of ENGINE_EVENTS) {
        const handler = (e: { runId: string }) => {
          const resourceId = runToResource.get(e.runId);
          if (resourceId) (events.emit as (n: string, p: unknown) => boolean)(name, { ...e, resourceId });
        };
        engine.events.on(name, handler as never);
        engineHandlers.push([name, handler]);
      }
      unsubscribeStore = store.onWork(kick);
      pollTimer = setInterval(kick, pollIntervalMs);
      heartbeatTimer = setInterval(() => void heartbeat(), heartbeatMs);
      kick();
    },

    async stop({ graceMs = 10_000 } = {}) {
      if (!running) return;
      running = false;
      // Running steps may finish within the grace period, but no run starts another step.
      pausing.abort();
      unsubscribeStore?.();
      clearInterval(pollTimer);
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const all = () => Promise.all([...inflight.values()].map((w) => w.done));
      let graceTimer: NodeJS.Timeout | undefined;
      await Promise.race([all(), new Promise((resolve) => { graceTimer = setTimeout(resolve, graceMs); })]);
      clearTimeout(graceTimer);
      for (const w of inflight.values()) {
        w.abortReason = 'stop';
        w.controller.abort(new StoreError('ORCHESTRATOR_STOPPING', 'the orchestrator is stopping'));
      }
      await all();
      clearInterval(heartbeatTimer);
      for (const [name, handler] of engineHandlers) engine.events.off(name, handler as never);
      engineHandlers.length = 0;
    },

    running() {
      return [...inflight.keys()];
    },
  };
  return orchestrator;
}

function journaled(error: unknown): JournaledError {
  if (InnominatusError.is(error)) {
    const e: JournaledError = { code: error.code, message: error.message, retryable: error.retryable };
    const step = (error as { step?: string }).step;
    if (step) e.step = step;
    if (error.path) e.path = error.path;
    return e;
  }
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error), retryable: false };
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new StoreError('OPTIONS_INVALID', `orchestrator option '${name}' must be a positive number, got ${String(value)}`);
  return value;
}
