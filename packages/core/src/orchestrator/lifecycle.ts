import { StoreError } from '../errors';
import type { NewResource, Operation, ResourcePatch, ResourceRecord, ResourceState, Store } from '../store/types';

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

/** A state change with its reason; `owner` makes it conditional on holding the lease. */
export interface TransitionRequest {
  from: ResourceState;
  to: ResourceState;
  reason: string;
  owner?: string;
  set?: ResourcePatch;
}

/**
 * The only writer of resource states. Rejects a move the table does not
 * allow with `INVALID_TRANSITION`; returns `undefined` when the resource was
 * no longer in `from` (someone else moved it, or the lease was lost).
 */
export async function transition(store: Store, id: string, change: TransitionRequest): Promise<ResourceRecord | undefined> {
  if (!canTransition(change.from, change.to)) {
    throw new StoreError('INVALID_TRANSITION', `resource '${id}' cannot move from '${change.from}' to '${change.to}'`);
  }
  return store.transition(id, change);
}

/** Creates a resource in its initial state, `requested`. */
export function createRequested(store: Store, resource: NewResource): Promise<ResourceRecord> {
  return store.createResource(resource);
}
