import { StoreError } from '../errors';
import type { NewResource, Operation, ResourceExpectation, ResourcePatch, ResourceRecord, ResourceState, StateChange, Store } from '../store/types';

/**
 * The resource lifecycle, the one table of allowed state changes:
 * `requested → provisioning → active`, `active → updating → active`,
 * `active → terminating → terminated`, any of these → `failed`, and
 * `failed → provisioning | updating | terminating` on retry, on delete
 * (`→ terminating`) and on an update correcting a failed create
 * (`→ provisioning`) or update (`→ updating`).
 */
export const TRANSITIONS: Readonly<Record<ResourceState, readonly ResourceState[]>> = Object.freeze({
  requested: ['provisioning', 'failed'],
  provisioning: ['active', 'failed'],
  active: ['updating', 'terminating', 'failed'],
  updating: ['active', 'failed'],
  terminating: ['terminated', 'failed'],
  terminated: [],
  failed: ['provisioning', 'updating', 'terminating'],
});

/** The working state an operation runs in. */
export const WORKING_STATE: Readonly<Record<Operation, ResourceState>> = Object.freeze({
  create: 'provisioning',
  update: 'updating',
  delete: 'terminating',
});

/** The state an operation ends in when its workflow succeeds. */
export const DONE_STATE: Readonly<Record<Operation, ResourceState>> = Object.freeze({
  create: 'active',
  update: 'active',
  delete: 'terminated',
});

/** True when the table allows `from → to`. */
export function canTransition(from: ResourceState, to: ResourceState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** A state change with its reason; `owner` makes it conditional on holding the lease (the store's {@link StateChange}). */
export type TransitionRequest = StateChange;

/**
 * The only writer of resource states. Rejects a move the table does not
 * allow with `INVALID_TRANSITION`; returns `undefined` when the resource was
 * no longer in `from` (someone else moved it, or the lease was lost).
 */
export async function transition(store: Pick<Store, 'transition'>, id: string, change: TransitionRequest): Promise<ResourceRecord | undefined> {
  if (!canTransition(change.from, change.to)) {
    throw new StoreError('INVALID_TRANSITION', `resource '${id}' cannot move from '${change.from}' to '${change.to}'`);
  }
  return store.transition(id, change);
}

/** Creates a resource in its initial state, `requested`. */
export function createRequested(store: Pick<Store, 'createResource'>, resource: NewResource): Promise<ResourceRecord> {
  return store.createResource(resource);
}

/**
 * The deterministic run id of one operation on one resource: a replica that
 * takes over finds the run in the journal and resumes it instead of starting
 * a second one.
 */
export function runIdFor(resourceId: string, operation: Operation, generation: number): string {
  return `${resourceId}:${operation}:${generation}`;
}

/** A request on an existing resource. */
export type LifecycleRequest =
  | {
      action: 'update';
      properties: Record<string, unknown>;
      /** New metadata for the provider; absent: kept as it is; `null`: cleared. */
      metadata?: Record<string, unknown> | null;
    }
  | { action: 'delete' }
  | { action: 'retry' };

/**
 * Why a resource refuses a request: `busy` (work is queued or in flight),
 * `failed-delete` (an update of a resource whose delete failed),
 * `not-active` (an update or delete of a resource neither active nor
 * failed), `not-failed` (a retry of a resource that has not failed).
 */
export type RequestRefusal = 'busy' | 'failed-delete' | 'not-active' | 'not-failed';

/** How a resource takes an accepted request: one compare-and-set write, a state change or a patch. */
export interface AcceptedRequest {
  accepted: true;
  /** The operation that will run. */
  operation: Operation;
  /** Set when the request moves the resource (e.g. `failed → terminating`); otherwise a patch of an idle active resource. */
  transition?: { from: ResourceState; to: ResourceState; reason: string };
  /** The patch's condition, when there is no transition. */
  expect?: ResourceExpectation;
  set: ResourcePatch;
}

/** A request the resource's state cannot take. */
export interface RefusedRequest {
  accepted: false;
  refusal: RequestRefusal;
}

/**
 * Which requests a resource in a given state takes, and how: the one rule
 * the orchestrator applies and a host checks before it changes anything.
 * An active resource with no pending work takes an update or a delete; a
 * failed one takes a retry (its run resumes at the failed step), a delete, and
 * an update when its create or update failed (the same operation runs again
 * with the new properties, as a new generation). Pure: nothing is written.
 */
export function planRequest(r: ResourceRecord, request: LifecycleRequest): AcceptedRequest | RefusedRequest {
  const generation = r.generation + 1;
  const fresh = { attempts: 0, error: null, nextAttemptAt: null } as const;
  const refuse = (refusal: RequestRefusal): RefusedRequest => ({ accepted: false, refusal });
  const busy = r.pendingOperation !== undefined && r.state !== 'failed';
  switch (request.action) {
    case 'update': {
      if (r.state === 'failed') {
        const op = r.pendingOperation;
        if (op !== 'create' && op !== 'update') return refuse('failed-delete');
        // Correcting a failed create or update: a new run (new generation), so the failed run's old parameters are not resumed.
        return {
          accepted: true,
          operation: op,
          transition: { from: 'failed', to: WORKING_STATE[op], reason: `${op} requested again with new properties` },
          set: { properties: request.properties, ...metadataOf(request), generation, runId: runIdFor(r.id, op, generation), ...fresh },
        };
      }
      if (busy) return refuse('busy');
      if (r.state !== 'active') return refuse('not-active');
      return {
        accepted: true,
        operation: 'update',
        expect: { state: 'active', idle: true },
        set: { properties: request.properties, ...metadataOf(request), pendingOperation: 'update', generation, ...fresh },
      };
    }
    case 'delete': {
      const set: ResourcePatch = { pendingOperation: 'delete', generation, ...fresh };
      if (r.state === 'failed') {
        return {
          accepted: true,
          operation: 'delete',
          transition: { from: 'failed', to: 'terminating', reason: 'delete requested' },
          set: { ...set, runId: runIdFor(r.id, 'delete', generation) },
        };
      }
      if (busy) return refuse('busy');
      if (r.state !== 'active') return refuse('not-active');
      return { accepted: true, operation: 'delete', expect: { state: 'active', idle: true }, set };
    }
    case 'retry': {
      if (r.state !== 'failed' || !r.pendingOperation) return refuse('not-failed');
      return {
        accepted: true,
        operation: r.pendingOperation,
        transition: { from: 'failed', to: WORKING_STATE[r.pendingOperation], reason: 'retry requested' },
        set: { ...fresh },
      };
    }
  }
}

/** The metadata an update sets, when it gives any. */
function metadataOf(request: { metadata?: Record<string, unknown> | null }): Pick<ResourcePatch, 'metadata'> {
  return request.metadata === undefined ? {} : { metadata: request.metadata };
}
