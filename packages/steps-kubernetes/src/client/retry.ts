import pRetry from 'p-retry';
import { sleepOn, systemClock, type Clock } from '@innominatus/core';
import { retryAfterMs, isTransient } from './api-errors';

/** How transient API failures (429, 5xx, connection resets) are retried inside a step. */
export interface RetryOptions {
  /** Retries after the first try (default 5). */
  retries?: number;
  /** First backoff in ms (default 200); doubles each time, with jitter. */
  minTimeoutMs?: number;
  /** Longest backoff in ms (default 5000). */
  maxTimeoutMs?: number;
  /** What the backoff waits on (default the system clock); tests pass `createFakeClock()` from `@innominatus/core/testing`. */
  clock?: Clock;
}

/** The defaults of {@link RetryOptions}. */
export const DEFAULT_RETRY: Required<Omit<RetryOptions, 'clock'>> = Object.freeze({ retries: 5, minTimeoutMs: 200, maxTimeoutMs: 5000 });

/**
 * Runs `fn`, retrying transient failures with exponential backoff (p-retry
 * counts the tries; the backoff, between once and twice the step, waits on
 * `clock`). A `Retry-After` header is honoured: the next try waits at least
 * that long. Non-transient errors and an aborted `signal` end it at once.
 */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions & { signal?: AbortSignal | undefined } = {}): Promise<T> {
  const o = { ...DEFAULT_RETRY, ...stripUndefined(options) };
  const clock = options.clock ?? systemClock;
  return pRetry(fn, {
    retries: o.retries,
    minTimeout: 0,
    maxTimeout: 0,
    signal: options.signal,
    shouldRetry: async ({ error, retriesConsumed }) => {
      if (!isTransient(error)) return false;
      const backoff = Math.min(o.maxTimeoutMs, Math.round((Math.random() + 1) * o.minTimeoutMs * 2 ** retriesConsumed));
      await sleepOn(clock, Math.max(backoff, retryAfterMs(error) ?? 0), options.signal);
      return true;
    },
  });
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
