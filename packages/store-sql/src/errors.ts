import { StoreError } from '@innominatus/core';

/** Why a SQL store failed, beyond core's store error codes. */
export type SqlStoreErrorReason =
  | 'CONNECT_FAILED'
  | 'MIGRATION_FAILED'
  | 'SCHEMA_TOO_NEW'
  /** The store's database driver (`better-sqlite3` or `pg`, optional peer dependencies) is not installed or cannot load. */
  | 'DRIVER_MISSING';

/**
 * A database failure of a SQL store. `code` is core's `STORE_ERROR`;
 * `reason` says which kind; `retryable` is true for connection problems.
 */
export class SqlStoreError extends StoreError {
  readonly reason: SqlStoreErrorReason;
  constructor(reason: SqlStoreErrorReason, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super('STORE_ERROR', message, options);
    this.reason = reason;
  }
}
