import type { JournaledError, LeaseFence, RunJournal, RunStatus } from '../journal/types';

/** Where a resource is in its lifecycle. See `lifecycle.ts` for the allowed moves. */
export type ResourceState = 'requested' | 'provisioning' | 'active' | 'updating' | 'terminating' | 'terminated' | 'failed';

/** Every resource state, in lifecycle order. */
export const RESOURCE_STATES: readonly ResourceState[] = Object.freeze([
  'requested',
  'provisioning',
  'active',
  'updating',
  'terminating',
  'terminated',
  'failed',
]);

/** What a provider's workflow is asked to do to a resource. */
export type Operation = 'create' | 'update' | 'delete';

/**
 * One resource as a store returns it. `properties` and `outputs` come back
 * unsealed: sensitive values inside are `Sensitive` again; in the store they
 * are ciphertext. Times are ISO-8601 strings.
 */
export interface ResourceRecord {
  id: string;
  application: string;
  name: string;
  type: string;
  /** The specialisation of the type asked for; it takes part in choosing the provider. Absent: `default`. */
  class?: string;
  /** Metadata the request carries for its provider (`resource.metadata` in a parameter mapping), set at create and by an update. */
  metadata?: Record<string, unknown>;
  properties: Record<string, unknown>;
  state: ResourceState;
  /** Work wanted on the resource (claimable when set and the resource is not failed); `undefined` when none. */
  pendingOperation?: Operation;
  /** Bumped by every create/update/delete request; part of the deterministic run id. */
  generation: number;
  /** The run serving the current (or last) operation. */
  runId?: string;
  outputs?: Record<string, unknown>;
  error?: JournaledError;
  /** Automatic tries of the current operation so far. */
  attempts: number;
  /** Not claimable before this time (backoff after a transient failure). */
  nextAttemptAt?: string;
  leaseOwner?: string;
  leaseExpiresAt?: string;
  /**
   * The epoch of the lease, set while one is held: every claim starts a new
   * one. Writes that carry it (`epoch` in a {@link StateChange} or
   * {@link ResourceExpectation}, a {@link LeaseFence} on journal writes) are
   * refused with `LEASE_LOST` once the resource was claimed again or the lease lapsed.
   */
  leaseEpoch?: number;
  createdAt: string;
  updatedAt: string;
}

/** One entry of a resource's transition history. `from` is undefined for the first entry. */
export interface TransitionRecord {
  resourceId: string;
  from?: ResourceState;
  to: ResourceState;
  at: string;
  reason: string;
}

/** What a new resource is made of. */
export interface NewResource {
  /** Defaults to a random UUID. */
  id?: string;
  application: string;
  name: string;
  type: string;
  /** Absent (or undefined): the `default` class. */
  class?: string | undefined;
  /** Metadata for the provider (no sensitive values), set at create. */
  metadata?: Record<string, unknown> | undefined;
  properties: Record<string, unknown>;
}

/**
 * Fields a state change or patch may set. `null` clears a field; absent keeps
 * it. `releaseLease` clears owner and expiry in the same write.
 */
export interface ResourcePatch {
  properties?: Record<string, unknown>;
  /** The metadata for the provider (`null` clears it), e.g. with an update. */
  metadata?: Record<string, unknown> | null;
  pendingOperation?: Operation | null;
  generation?: number;
  runId?: string | null;
  outputs?: Record<string, unknown> | null;
  error?: JournaledError | null;
  attempts?: number;
  nextAttemptAt?: string | null;
  releaseLease?: boolean;
}

/** Conditions a compare-and-set write requires; the write happens only when all hold. */
export interface ResourceExpectation {
  /** The resource's current state must be one of these. */
  state?: ResourceState | readonly ResourceState[];
  /** The lease must be held by this owner (and not expired). */
  owner?: string | undefined;
  /** `pendingOperation` must be unset (no work queued or in flight). */
  idle?: boolean;
  /**
   * The lease must be the one of this epoch and still valid; otherwise the
   * write is refused with `LEASE_LOST` (a stale holder must stop, not skip one write).
   */
  epoch?: number | undefined;
}

/** A compare-and-set state change, with the reason kept in the history. */
export interface StateChange {
  from: ResourceState;
  to: ResourceState;
  reason: string;
  /** The lease must be held by this owner. */
  owner?: string;
  /** The lease must be the one of this epoch and still valid, or the change is refused with `LEASE_LOST` (see {@link ResourceExpectation.epoch}). */
  epoch?: number;
  set?: ResourcePatch;
}

/** Filter for {@link Store.listResources}; every given field must match (`alsoIds` widens `application`). */
export interface ResourceFilter {
  application?: string;
  /**
   * With `application`: the resources with these ids match it too, as if
   * they were the application's (e.g. the shared resources of another
   * application it uses); the other fields, the order and the cursor apply
   * to both alike. Without `application` it changes nothing. At most
   * {@link MAX_ALSO_IDS} ids.
   */
  alsoIds?: readonly string[];
  type?: string;
  state?: ResourceState;
  /** `true`: only resources that are not terminated; `false`: only terminated ones. */
  live?: boolean;
  /** `true`: only resources that have a run (`runId` set): those an operation has started on. */
  withRun?: boolean;
  /** Only resources whose current run (`runId`) has this status; those without a run do not match. */
  runStatus?: RunStatus;
  /** `oldest` (the default): in creation order; `newest`: the newest first. */
  order?: 'oldest' | 'newest';
  /** At most this many (default 1000, max 10000). */
  limit?: number;
  /**
   * The id of the last resource of the previous page: only the resources
   * created after it (before it, with `order: 'newest'`), so pages follow one
   * another without gaps or repeats, also while resources are created (new
   * ones come at the end of the oldest-first order; newest first, they are
   * not in later pages). An id the store does not have gives an empty page.
   */
  after?: string | undefined;
}

/** Filter for {@link Store.countResources}; every given field must match. */
export interface ResourceCountFilter {
  application?: string;
  type?: string;
  state?: ResourceState;
  /**
   * `true`: only resources with work queued or in flight (a pending operation
   * and not failed: the orchestrator's queue); `false`: only the others.
   */
  pending?: boolean;
  /**
   * `true`: only resources whose lease is held now (being worked on);
   * `false`: only those with no valid lease. With `pending: true`, `false`
   * gives the work waiting for a worker.
   */
  leased?: boolean;
}

/**
 * The last accepted spec of an application (a Score spec, in the reference
 * host) as a store keeps it: the document as a JSON value, at most
 * `MAX_SPEC_BYTES` once serialized.
 */
export interface StoredSpec {
  /** The application's name, the spec's key. */
  name: string;
  spec: Record<string, unknown>;
  submittedAt: string;
}

/** What a spec listing shows of one spec: never the spec itself. */
export interface SpecSummary {
  name: string;
  submittedAt: string;
  /** The keys of the spec's `resources` object, sorted (by UTF-16 code unit); empty when it has none. */
  resources: string[];
}

/** One page of {@link Store.listSpecs}: names after `after` (exclusive), in name order. */
export interface SpecPage {
  after?: string | undefined;
  /** From 1 to 10000. */
  limit: number;
}

/**
 * The reads and writes of one {@link Store.transaction}: the application's
 * spec and any resources. They take effect together when the transaction's
 * function resolves, and not at all when it throws; listeners are woken only
 * after the commit.
 */
export interface StoreTransaction extends Pick<Store, 'createResource' | 'getResource' | 'findResource' | 'listResources' | 'transition' | 'patchResource'> {
  getSpec(name: string): Promise<StoredSpec | undefined>;
  /** As {@link Store.listSpecs}, seeing the transaction's own writes. */
  listSpecs(page: SpecPage): Promise<SpecSummary[]>;
  /** Stores (or replaces) the spec of `spec.name`. Rejects with `RESOURCE_INVALID` a spec that is too large or not an object. */
  putSpec(spec: StoredSpec): Promise<void>;
  /** Forgets a spec; `false` when there was none. */
  deleteSpec(name: string): Promise<boolean>;
}

/**
 * Durable home of resources, leases and run journals. One interface for the
 * in-memory store (core), SQLite and PostgreSQL (`@innominatus/store-sql`);
 * `describeStoreConformance` from `@innominatus/core/testing` checks an
 * implementation. Only the lifecycle module calls {@link Store.transition}.
 */
export interface Store extends RunJournal {
  /**
   * Creates a resource in state `requested` with `pendingOperation: 'create'`
   * and wakes listeners. Rejects with `RESOURCE_EXISTS` when a resource of the
   * same application and name exists and is not terminated.
   */
  createResource(resource: NewResource): Promise<ResourceRecord>;
  getResource(id: string): Promise<ResourceRecord | undefined>;
  /** The resource of this application and name that is not terminated. */
  findResource(application: string, name: string): Promise<ResourceRecord | undefined>;
  /** Resources ordered by creation time; filtering, the cursor (`after`) and the limit happen in the store, not after loading. */
  listResources(filter?: ResourceFilter): Promise<ResourceRecord[]>;
  /** How many resources match, without loading them (e.g. queue depth: `countResources({ pending: true })`). */
  countResources(filter?: ResourceCountFilter): Promise<number>;
  /** Transition history, oldest first. */
  listTransitions(resourceId: string): Promise<TransitionRecord[]>;
  /**
   * Changes the state from `change.from` to `change.to` and appends the
   * history entry, atomically; `undefined` when the resource was not in
   * `from` (or the lease is not held by `change.owner`). Does not check the
   * transition table: that is the lifecycle module's job.
   */
  transition(id: string, change: StateChange): Promise<ResourceRecord | undefined>;
  /** Writes fields without a state change when `expect` holds; `undefined` otherwise. Wakes listeners when work becomes pending. */
  patchResource(id: string, expect: ResourceExpectation, set: ResourcePatch): Promise<ResourceRecord | undefined>;
  /**
   * Leases up to `limit` resources with pending work, not failed, whose lease
   * is free or expired and whose `nextAttemptAt` has passed, oldest first.
   * Two claimers never get the same resource while a lease is valid. Each
   * claim starts a new lease epoch (`leaseEpoch`), which fences off every
   * write of an earlier holder.
   */
  claim(owner: string, limit: number, leaseMs: number): Promise<ResourceRecord[]>;
  /** Extends the leases `owner` still holds; returns the ids it still holds. */
  heartbeat(owner: string, ids: readonly string[], leaseMs: number): Promise<string[]>;
  /** Gives up the leases `owner` holds on `ids`, making them claimable at once. */
  release(owner: string, ids: readonly string[]): Promise<void>;
  /**
   * Gives up every lease `owner` holds, expired or not, making the work
   * claimable at once; returns how many. For an instance that starts again
   * under the same stable owner name: the leases it held before a crash are
   * its own, and waiting them out would only delay its work. The name must
   * then be unique among running instances.
   */
  releaseAll(owner: string): Promise<number>;
  /** The stored spec of an application. */
  getSpec(name: string): Promise<StoredSpec | undefined>;
  /** Summaries of the stored specs in name order, one page at a time, without loading the specs. */
  listSpecs(page: SpecPage): Promise<SpecSummary[]>;
  /**
   * Runs `fn` in one transaction holding the lock of each name in `locks`
   * (an application's name, or several, taken in the order given: take them
   * in one order everywhere): no other transaction holding one of them (in
   * this process or, on a shared database, any other) runs at the same time. What `fn` writes through
   * `tx` (specs and resources) is stored when it resolves and not at all
   * when it throws. Inside `fn`, use only `tx`: calls on the store itself may
   * wait for the transaction to end (SQLite and the memory store take every
   * statement in turn). `tx` is unusable once `fn` has settled.
   */
  transaction<T>(locks: string | readonly string[], fn: (tx: StoreTransaction) => Promise<T>): Promise<T>;
  /**
   * Calls `listener` when work may have become claimable (in-process for
   * every store; across processes for PostgreSQL through LISTEN/NOTIFY).
   * Returns the unsubscribe function.
   */
  onWork(listener: () => void): () => void;
  close(): Promise<void>;
}
