import { InnominatusError } from '@innominatus/core';

/**
 * The codes of a SQL store's own failures: `STORE_UNAVAILABLE` (the database
 * cannot be reached or the connection was cut; retryable),
 * `STORE_QUERY_FAILED` (the database refused a statement; retryable for
 * serialization failures, deadlocks and busy locks), `STORE_MIGRATION_FAILED`,
 * `STORE_SCHEMA_TOO_NEW`, and `DRIVER_MISSING` (the store's database driver,
 * `better-sqlite3` or `pg`, optional peer dependencies, is not installed or
 * cannot load).
 */
export type SqlStoreErrorCode = 'STORE_UNAVAILABLE' | 'STORE_QUERY_FAILED' | 'STORE_MIGRATION_FAILED' | 'STORE_SCHEMA_TOO_NEW' | 'DRIVER_MISSING';

/**
 * A database failure of a SQL store. Every error of the driver reaches the
 * caller as one of these, with the driver's error as `cause`, so a caller
 * decides by `code` and `retryable` and never by the driver's messages.
 */
export class SqlStoreError extends InnominatusError<SqlStoreErrorCode> {
  constructor(code: SqlStoreErrorCode, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(code, message, options);
  }
}

/** Node socket codes and PostgreSQL classes 08 (connection) and 57P (operator intervention: shutdown, crash). */
const CONNECTION_CODES = /^(ECONNREFUSED|ECONNRESET|ECONNABORTED|ENOTFOUND|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|57P\d\d|08[0-9A-Z]{3})$/;
/** node-postgres's own messages for a connection that failed or was cut (it sets no code on these). */
const CONNECTION_MESSAGES = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed)/;
/** Serialization failure, deadlock, lock not available, too many connections; SQLite's busy and locked. */
const TRANSIENT_CODES = /^(40001|40P01|55P03|53300|SQLITE_BUSY\w*|SQLITE_LOCKED\w*)$/;

/**
 * The driver error `cause` as a {@link SqlStoreError} (errors of these
 * packages pass through unchanged). `database` names it in the message.
 */
export function wrapDriverError(cause: unknown, database: string): InnominatusError<string> {
  if (InnominatusError.is(cause)) return cause;
  const code = (cause as { code?: unknown } | null)?.code;
  const message = cause instanceof Error ? cause.message : String(cause);
  if ((typeof code === 'string' && CONNECTION_CODES.test(code)) || CONNECTION_MESSAGES.test(message)) {
    return new SqlStoreError('STORE_UNAVAILABLE', `cannot reach ${database}: ${message}`, { cause, retryable: true });
  }
  return new SqlStoreError('STORE_QUERY_FAILED', `${database} refused a statement: ${message}`, {
    cause,
    retryable: typeof code === 'string' && TRANSIENT_CODES.test(code),
  });
}
