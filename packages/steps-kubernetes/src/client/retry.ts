import pRetry from 'p-retry';
import { retryAfterMs, isTransient } from './api-errors';

/** How transient API failures (429, 5xx, connection resets) are retried inside a step. */
export interface RetryOptions {
  /** Retries after the first try (default 5). */
  retries?: number;
  /** First backoff in ms (default 200); doubles each time, with jitter. */
  minTimeoutMs?: number;
  /** Longest backoff in ms (default 5000). */
  maxTimeoutMs?: number;
}

/** The defaults of {@link RetryOptions}. */
export const DEFAULT_RETRY: Required<RetryOptions> = Object.freeze({ retries: 5, minTimeoutMs: 200, maxTimeoutMs: 5000 });

/**
 * Runs `fn`, retrying transient failures with exponential backoff (p-retry).
 * A `Retry-After` header is honoured: the next try waits at least that long.
 * Non-transient errors and an aborted `signal` end it at once.
 */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions & { signal?: AbortSignal } = {}): Promise<T> {
  const o = { ...DEFAULT_RETRY, ...stripUndefined(options) };
  return pRetry(fn, {
    retries: o.retries,
    minTimeout: o.minTimeoutMs,
    maxTimeout: o.maxTimeoutMs,
    factor: 2,
    randomize: true,
    ...(options.signal ? { signal: options.signal } : {}),
    shouldRetry: ({ error }) => isTransient(error),
    onFailedAttempt: async ({ error, retriesLeft }) => {
      if (retriesLeft <= 0 || !isTransient(error)) return;
      const wait = retryAfterMs(error);
      if (wait) await sleep(wait, options.signal);
    },
  });
}

/** Resolves after `ms`, or rejects when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
