import type { EventEmitter } from 'eventemitter3';
import type { Engine } from '../engine/engine';
import type { ResourceContext } from '../engine/compile-workflow';
import { InnominatusError } from '../errors';
import type { JournaledError } from '../journal/types';
import { mapParameters } from '../providers/parameter-mapping';
import type { Operation, ResourceRecord, ResourceState, Store } from '../store/types';
import type { ClaimLoop } from './claim-loop';
import type { LeaseKeeper } from './lease-keeper';
import { DONE_STATE, WORKING_STATE, runIdFor } from './lifecycle';
import type { OrchestratorSettings } from './settings';
import type { Transitions } from './transitions';
import type { OrchestratorEvents, ResourceResolver } from './types';
import type { ReportError, Work } from './work';
import { DEFAULT_CLASS } from '../providers/default-class';

/** Store errors that mean "this run is busy elsewhere right now", never a failure of the operation. */
const CONTENDED = new Set(['RUN_ACTIVE', 'RUN_EXISTS']);

/** What serving a resource needs from the rest of the orchestrator. */
export interface ResourceServerParts {
  settings: OrchestratorSettings;
  store: Store;
  engine: Engine;
  registry: ResourceResolver;
  events: EventEmitter<OrchestratorEvents>;
  transitions: Transitions;
  leases: LeaseKeeper;
  claims: ClaimLoop;
  report: ReportError;
  /** Aborted by `stop()`: runs finish the step they are in and pause before the next one. */
  pause: () => AbortSignal;
  /** The work in flight, by resource id (shared with the lease keeper and the claim loop). */
  inflight: Map<string, Work>;
}

/**
 * Serves claimed resources: moves each to its working state, runs (or
 * resumes) its operation's workflow on the engine and records the outcome:
 * done, a retry after backoff, or failed.
 */
export class ResourceServer {
  /** The work in flight, by run id (engine events name only the run). */
  readonly byRun = new Map<string, Work>();
  readonly inflight: Map<string, Work>;
  readonly #p: ResourceServerParts;

  constructor(parts: ResourceServerParts) {
    this.#p = parts;
    this.inflight = parts.inflight;
  }

  /** Takes a resource the claim loop leased at `askedAt`. */
  take(r: ResourceRecord, askedAt: number): void {
    const { store, settings, leases, claims, report } = this.#p;
    // Only the id in the closures below: a closure over `r` would hold the claimed record for as long as the operation runs.
    const id = r.id;
    const current = this.inflight.get(id);
    if (current) {
      // Our own lease lapsed (a slow heartbeat), or the work released it and is finishing, and the claim gave it back: a renewal, not new work.
      current.renewed = true;
      // The claim started a new lease epoch; it is this work's lease, so its writes carry the new epoch.
      current.fence.epoch = r.leaseEpoch ?? current.fence.epoch;
      leases.confirm(current, askedAt);
      return;
    }
    if (!claims.running) {
      void store.release(settings.owner, [id]).catch((e) => report(`releasing resource '${id}' failed`, e));
      return;
    }
    const work: Work = {
      resourceId: id,
      application: r.application,
      name: r.name,
      fence: { resourceId: id, epoch: r.leaseEpoch ?? 0 },
      controller: new AbortController(),
      confirmedAt: askedAt,
      done: Promise.resolve(),
    };
    this.inflight.set(id, work);
    leases.confirm(work, askedAt);
    // What runs for as long as the operation holds the work only: the claimed record is let go once the resource is moved.
    work.done = this.#operate(r, work)
      .catch((error) => this.#unlessLeaseLost(work, error))
      .catch((error) => report(`serving resource '${id}' failed`, error))
      .finally(async () => {
        leases.forget(work);
        this.inflight.delete(id);
        if (work.runId) this.byRun.delete(work.runId);
        if (work.renewed) await store.release(settings.owner, [id]).catch((e) => report(`releasing resource '${id}' failed`, e));
        claims.kick();
      });
  }

  /** A write refused with `LEASE_LOST` (another replica claimed the resource) ends the operation without another write; any other error is rethrown. */
  #unlessLeaseLost(work: Work, error: unknown): void {
    if (!isLeaseLost(error)) throw error;
    const { owner, logger } = this.#p.settings;
    logger.warn('lease lost: another replica claimed the resource; this run stops and writes nothing more', {
      owner,
      resourceId: work.resourceId,
      epoch: work.fence.epoch,
    });
  }

  /** Moves the claimed resource to its working state, then runs the operation (not an async function: the claimed record is not held while it runs). */
  #operate(claimed: ResourceRecord, work: Work): Promise<void> {
    const op = claimed.pendingOperation;
    if (!op) return Promise.resolve();
    return this.#begin(claimed, op, work).then((r) => (r ? this.#runOrSettle(r, op, work) : undefined));
  }

  /** The resource in its working state (moved there unless it was), or undefined when the move was refused. */
  async #begin(claimed: ResourceRecord, op: Operation, work: Work): Promise<ResourceRecord | undefined> {
    const working = WORKING_STATE[op];
    if (claimed.state === working) return claimed;
    const { owner } = this.#p.settings;
    return this.#p.transitions.move(claimed.id, claimed.state, working, `${op} started by ${owner}`, {
      owner,
      epoch: work.fence.epoch,
      set: { runId: runIdFor(claimed.id, op, claimed.generation), error: null },
    });
  }

  async #runOrSettle(r: ResourceRecord, op: Operation, work: Work): Promise<void> {
    const runId = r.runId ?? runIdFor(r.id, op, r.generation);
    work.runId = runId;
    this.byRun.set(runId, work);
    try {
      await this.#run(r, op, runId, work);
    } catch (error) {
      await this.#settleFailure(r, op, WORKING_STATE[op], work, error);
    }
  }

  /** Runs or resumes the operation's workflow and records its success. */
  async #run(r: ResourceRecord, op: Operation, runId: string, work: Work): Promise<void> {
    const { registry, store, engine, settings, transitions } = this.#p;
    const resolution = registry.resolve(r.type, op, r.class === undefined ? {} : { class: r.class });
    const context: ResourceContext = {
      id: r.id,
      name: r.name,
      type: r.type,
      class: r.class ?? DEFAULT_CLASS,
      application: r.application,
      metadata: r.metadata ?? {},
      properties: r.properties,
      operation: op,
    };
    const signals = { signal: work.controller.signal, pause: this.#p.pause(), fence: work.fence };
    const result = (await store.getRun(runId))
      ? await engine.resume(runId, signals)
      : await engine.run(resolution.workflow, { parameters: mapParameters(resolution, context), context: { resource: context }, runId, ...signals });
    const moved = await transitions.move(
      r.id,
      WORKING_STATE[op],
      DONE_STATE[op],
      `${op} workflow '${resolution.workflowName}' of provider '${resolution.providerName}' succeeded`,
      {
        owner: settings.owner,
        epoch: work.fence.epoch,
        set: { pendingOperation: null, outputs: op === 'delete' ? null : result.outputs, error: null, attempts: 0, nextAttemptAt: null, releaseLease: true },
      },
    );
    if (!moved)
      settings.logger.warn('lease lost before the result could be stored; the next owner resumes the finished run', {
        owner: settings.owner,
        resourceId: r.id,
        runId,
      });
  }

  /** Decides what a failed run means: interrupted (resume later), contended, a retry after backoff, or the resource failed. */
  async #settleFailure(r: ResourceRecord, op: Operation, working: ResourceState, work: Work, error: unknown): Promise<void> {
    const { store, settings, events, transitions, claims } = this.#p;
    const { owner, clock, logger } = settings;
    const paused = InnominatusError.is(error) && error.code === 'RUN_PAUSED';
    if (work.abortReason || paused) {
      await store.release(owner, [r.id]);
      logger.info(`operation interrupted (${work.abortReason ?? 'stopping: paused between steps'}); its run resumes later`, { owner, resourceId: r.id });
      return;
    }
    // The new holder records the outcome.
    if (isLeaseLost(error)) throw error;
    const epoch = work.fence.epoch;
    if (InnominatusError.is(error) && CONTENDED.has(error.code)) {
      // The run is busy in this engine (or was just created by another replica): never a failure of the
      // operation and no try counted. Not claimable for a while, so the claim loop does not spin on it.
      const delayMs = settings.heartbeatMs;
      await store.patchResource(r.id, { owner, state: working, epoch }, { nextAttemptAt: new Date(clock.now() + delayMs).toISOString(), releaseLease: true });
      logger.warn(`run busy (${error.code}); trying again in ${delayMs} ms`, { owner, resourceId: r.id });
      claims.wakeAfter(delayMs);
      return;
    }
    const record = journaled(error);
    const failedTries = r.attempts + 1;
    // The streak of retryable failures began at the first of them; the horizon counts from there.
    const since = record.retryable ? (r.attempts > 0 && r.error?.since ? r.error.since : new Date(clock.now()).toISOString()) : undefined;
    if (since) record.since = since;
    const delayMs = record.retryable ? settings.delayFor(failedTries) : 0;
    const withinHorizon = since !== undefined && clock.now() + delayMs - Date.parse(since) < settings.horizonMs;
    if (record.retryable && failedTries < settings.maxTries && withinHorizon) {
      const nextAttemptAt = new Date(clock.now() + delayMs).toISOString();
      const patched = await store.patchResource(
        r.id,
        { owner, state: working, epoch },
        { attempts: failedTries, error: record, nextAttemptAt, releaseLease: true },
      );
      if (!patched) return;
      events.emit('resource:retrying', {
        resourceId: r.id,
        application: r.application,
        name: r.name,
        type: r.type,
        operation: op,
        failedTries,
        delayMs,
        nextAttemptAt,
        error: record,
        at: patched.updatedAt,
      });
      claims.wakeAfter(delayMs);
      return;
    }
    const reason = record.retryable ? `${op} failed after ${failedTries} tries: ${record.message}` : `${op} failed: ${record.message}`;
    await transitions.move(r.id, working, 'failed', reason, {
      owner,
      epoch,
      set: { attempts: failedTries, error: record, nextAttemptAt: null, releaseLease: true },
    });
  }
}

/** A write was refused because the lease is another's now (or lapsed). */
function isLeaseLost(error: unknown): boolean {
  return InnominatusError.is(error) && error.code === 'LEASE_LOST';
}

/** The journal form of an error: its code, message and retryable flag, the step and path when known; anything unknown is `INTERNAL`. */
function journaled(error: unknown): JournaledError {
  const e = InnominatusError.from(error);
  const record: JournaledError = { code: e.code, message: e.message, retryable: e.retryable };
  const step = (e as { step?: string }).step;
  if (step) record.step = step;
  if (e.path) record.path = e.path;
  return record;
}
