import { StoreError } from '../errors';

/** A resource's lease as a store keeps it: the epoch of its last claim, and the holder and expiry while one is held. */
export interface LeaseState {
  epoch: number;
  owner?: string | undefined;
  expiresAt?: number | undefined;
}

/**
 * The fencing rule: a write carrying `epoch` may land only while the lease
 * of that epoch is held and has not lapsed at `now`. A later claim (a new
 * epoch), a release or the expiry all end it. The SQL stores state the same
 * predicate in their statements.
 */
export function fenceHolds(lease: LeaseState, epoch: number, now: number): boolean {
  return lease.epoch === epoch && lease.owner !== undefined && (lease.expiresAt ?? 0) > now;
}

/** The `LEASE_LOST` error of a write refused by the fencing rule, naming the resource and the stale epoch. */
export function leaseLostError(resourceId: string, epoch: number): StoreError {
  return new StoreError(
    'LEASE_LOST',
    `write refused: the lease of epoch ${epoch} on resource '${resourceId}' is no longer held (it lapsed or the resource was claimed again); this run must stop`,
  );
}
