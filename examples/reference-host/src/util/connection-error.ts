import { InnominatusError } from '@innominatus/core';

/** Error codes of a database connection that failed or was cut (Node socket codes, PostgreSQL classes 08 and 57P). */
const CONNECTION_CODES = /^(ECONNREFUSED|ECONNRESET|ECONNABORTED|ENOTFOUND|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|57P\d\d|08\d\d\d)$/;

/**
 * True for an error that says the store cannot be reached now and a later try
 * may work: a retryable store or journal error from core or a store package
 * (store-sql's `SqlStoreError` `STORE_UNAVAILABLE`), or a raw driver
 * error of a failed or cut connection.
 */
export function isStoreUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if (InnominatusError.is(error))
    return error.code === 'STORE_UNAVAILABLE' || (error.retryable && (error.code.startsWith('STORE_') || error.code === 'JOURNAL_ERROR'));
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECTION_CODES.test(code)) return true;
  const message = (error as { message?: unknown }).message;
  return (
    typeof message === 'string' && /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/.test(message)
  );
}
