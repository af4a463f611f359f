/** A timer handle of a {@link Clock}; only the clock that made it can clear it. */
export type ClockTimer = { readonly __clockTimer?: never } | object;

/**
 * Time as the orchestrator and the stores see it: the current time and
 * one-shot timers. The default is {@link systemClock}; tests pass
 * `createFakeClock()` from `@innominatus/core/testing` and move time
 * themselves, so nothing depends on how fast the machine is.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds. */
  setTimeout(fn: () => void, ms: number): ClockTimer;
  /** Cancels a timer of this clock; `undefined` is ignored. */
  clearTimeout(timer: ClockTimer | undefined): void;
}

/** The real clock: `Date.now` and Node's timers. */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  setTimeout: (fn: () => void, ms: number): ClockTimer => setTimeout(fn, ms),
  clearTimeout: (timer: ClockTimer | undefined) => clearTimeout(timer as NodeJS.Timeout | undefined),
});

/** Resolves after `ms` on `clock`, or rejects with the signal's reason when `signal` aborts first. */
export function sleepOn(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clock.clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Calls `fn` every `ms` on `clock` until the returned function is called. */
export function every(clock: Clock, ms: number, fn: () => void): () => void {
  let timer: ClockTimer | undefined;
  let stopped = false;
  const arm = () => {
    timer = clock.setTimeout(() => {
      if (stopped) return;
      arm();
      fn();
    }, ms);
  };
  arm();
  return () => {
    stopped = true;
    clock.clearTimeout(timer);
  };
}
