import type { EventEmitter } from 'eventemitter3';
import type { EngineEvents } from '../engine/events';
import type { Engine } from '../engine/engine';
import type { JournaledError } from '../journal/types';
import type { LoadedWorkflow } from '../model/workflow';
import type { ParameterMapping } from '../providers/parameter-mapping';
import type { NewResource, Operation, ResourceRecord, ResourceState, Store, StoreTransaction } from '../store/types';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/logger';

/** What the orchestrator needs from a provider resolution (the provider registry's `Resolution` fits). */
export interface OrchestratorResolution {
  providerName: string;
  workflowName: string;
  workflow: LoadedWorkflow;
  mapping: ParameterMapping;
}

/** Resolves a resource type and operation to a provider's workflow (`ProviderRegistry` fits). */
export interface ResourceResolver {
  resolve(type: string, operation: Operation, options?: { class?: string }): OrchestratorResolution;
}

/** Retry policy for transient (retryable) failures of a whole operation. */
export interface OrchestratorRetry {
  /** Most tries of one operation, the first included (default: no count; the horizon ends the retries). */
  attempts?: number;
  /**
   * Delay before try `n + 1` after `n` failed tries, in ms (a number, or a
   * function of `n`). Default: 1 s doubling up to `maxBackoffMs`, with jitter
   * (a random delay between half and all of it, so resources failed by one
   * outage do not all come back at the same instant).
   */
  backoff?: number | ((failedTries: number) => number);
  /** Longest default backoff (default 60 s). */
  maxBackoffMs?: number;
  /**
   * How long a retryable failure (the API unreachable, 5xx, 429, timeouts)
   * is waited out: tries go on while the first failure of the streak is less
   * than this long ago (default 1 h). Only a non-retryable error, `attempts`
   * or the horizon fail the resource.
   */
  horizonMs?: number;
}

/**
 * Work that goes first: while `busy()` is true (e.g. the host is answering
 * submissions), the orchestrator holds back before it claims new work, for
 * at most `maxWaitMs` each time it claims, so the requests are answered
 * before the runs they start take the event loop. When a wait runs out with
 * the foreground still busy, claims made in the next `maxWaitMs` do not
 * wait: a steady stream of requests holds new work back at most half of the
 * time, so it delays work, never starves it. Runs already under way go on.
 */
export interface OrchestratorForeground {
  /** True while foreground work is in progress; asked every few milliseconds while the orchestrator holds back. */
  busy(): boolean;
  /** Longest the orchestrator holds back before a claim (default 500 ms). */
  maxWaitMs?: number;
}

/** Options of {@link createOrchestrator}. */
export interface OrchestratorOptions {
  store: Store;
  /** The engine; its journal must be `store`, so another replica can resume its runs. */
  engine: Engine;
  registry: ResourceResolver;
  /**
   * This instance's lease owner name (default: host, pid and a random
   * suffix, new on every start). A stable name (the same across restarts of
   * one instance, unique among running ones) lets a restarted instance take
   * back the leases it held before a crash at once (`store.releaseAll`)
   * instead of waiting `leaseMs` for them to expire.
   */
  owner?: string | undefined;
  /** Most operations running at once (default 100). A step that waits holds no thread and no poll loop. */
  concurrency?: number;
  /** Most resources claimed per store round trip (default 25). */
  batchSize?: number;
  /** Lease length (default 30 s): another replica takes over this long after a crash. */
  leaseMs?: number;
  /** How often held leases are extended (default a third of `leaseMs`). */
  heartbeatMs?: number;
  /** Safety-net poll (default 5000 ms); wake-ups normally come at once. */
  pollIntervalMs?: number;
  retry?: OrchestratorRetry;
  /** What new work waits for before it is claimed (default: nothing). */
  foreground?: OrchestratorForeground;
  logger?: Logger;
  /** Time and timers (default the system clock); tests pass `createFakeClock()` from `@innominatus/core/testing`. */
  clock?: Clock;
}

/** A resource request: what a new resource is made of (the store's {@link NewResource}). */
export type ResourceRequest = NewResource;

/** A resource moved from one state to another. */
export interface ResourceTransitionEvent {
  resourceId: string;
  application: string;
  name: string;
  type: string;
  /** Undefined for the first state, `requested`. */
  from?: ResourceState;
  to: ResourceState;
  reason: string;
  at: string;
  /** Set when the resource failed. */
  error?: JournaledError;
}

/** A transient failure will be tried again. */
export interface ResourceRetryingEvent {
  resourceId: string;
  application: string;
  /** The resource's name in its application. */
  name: string;
  type: string;
  operation: Operation;
  /** Failed tries so far. */
  failedTries: number;
  delayMs: number;
  /** When the next try may start (ISO-8601). */
  nextAttemptAt: string;
  /** The last error; its `since` is when the streak of retryable failures began. */
  error: JournaledError;
  /** When the failure was recorded (ISO-8601). */
  at: string;
}

type WithResource<F> = F extends (e: infer E) => void ? (e: E & ResourceOfRun) => void : never;

/** What the orchestrator adds to each engine event of a run it serves: the resource the run works on. */
export interface ResourceOfRun {
  resourceId: string;
  application: string;
  name: string;
}

/**
 * The orchestrator's typed events: resource transitions and retries, plus
 * every engine event of the runs it executes with the resource's
 * `resourceId`, `application` and `name` added.
 * Payloads are redacted: sensitive values appear as `***`.
 */
export type OrchestratorEvents = {
  'resource:transition': (e: ResourceTransitionEvent) => void;
  'resource:retrying': (e: ResourceRetryingEvent) => void;
  /** The orchestrator could not reach its store or hit a bug; it keeps going. */
  'orchestrator:error': (e: { message: string; code?: string }) => void;
} & { [K in keyof EngineEvents]: WithResource<EngineEvents[K]> };

/** The requests, spec writes and reads of one {@link Orchestrator.transaction}. */
export interface OrchestratorTransaction
  extends Pick<Orchestrator, 'submit' | 'update' | 'delete' | 'retry'>,
    Pick<StoreTransaction, 'getSpec' | 'listSpecs' | 'putSpec' | 'deleteSpec' | 'getResource' | 'findResource' | 'listResources'> {}

/** Serves resource requests; make one with {@link createOrchestrator}. */
export interface Orchestrator {
  readonly owner: string;
  readonly events: EventEmitter<OrchestratorEvents>;
  /** Requests a new resource (state `requested`) and wakes a worker at once. */
  submit(request: ResourceRequest): Promise<ResourceRecord>;
  /**
   * Requests an update of an active resource with new properties. A failed
   * create or update accepts one too, to correct a bad property: the same
   * operation runs again with the new properties as a new run (new generation;
   * `failed → provisioning` or `failed → updating`). A failed delete is refused.
   * `metadata`, when given, replaces the metadata the provider sees (`null`
   * clears it); absent, the resource keeps its metadata.
   */
  update(id: string, properties: Record<string, unknown>, metadata?: Record<string, unknown> | null): Promise<ResourceRecord>;
  /** Requests deletion of an active or failed resource. */
  delete(id: string): Promise<ResourceRecord>;
  /** Retries a failed resource: its run resumes at the failed step. */
  retry(id: string): Promise<ResourceRecord>;
  /**
   * Runs `fn` in one store transaction holding the locks `locks` (an
   * application's name, or several; {@link Store.transaction}): the requests it makes through `tx` and the
   * spec it writes are stored together, or not at all when `fn` throws. The
   * `resource:transition` events and the wake-up of the requests follow the
   * commit. Inside `fn`, use only `tx`.
   */
  transaction<T>(locks: string | readonly string[], fn: (tx: OrchestratorTransaction) => Promise<T>): Promise<T>;
  /** Starts claiming work. */
  start(): void;
  /** Stops claiming, lets running work finish within `graceMs` (default 10 s), then aborts and releases the rest. */
  stop(options?: { graceMs?: number }): Promise<void>;
  /** Operations running now, by resource id. */
  running(): string[];
}
