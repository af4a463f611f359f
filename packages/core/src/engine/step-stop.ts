import type { Clock, ClockTimer } from '../util/clock';

/**
 * When a running step must stop: its timeout, or the run's own signal
 * (cancellation). It behaves as an `AbortSignal` combining the two would,
 * but the signal the step sees is only made when the step asks for it
 * (`ctx.signal`): most steps never do, and a signal per step was a large part
 * of the engine's cost per step.
 */
export class StepStop {
  #stopped = false;
  #reason: unknown = undefined;
  #controller: AbortController | undefined;
  #reject: ((reason: unknown) => void) | undefined;
  readonly #timer: ClockTimer;
  readonly #clock: Clock;
  readonly #run: AbortSignal | undefined;
  readonly #onRunAbort: (() => void) | undefined;

  /** Stops after `timeoutMs` on `clock` with the reason `timedOut()` gives, or when `run` aborts with its reason. */
  constructor(timeoutMs: number, run: AbortSignal | undefined, timedOut: () => unknown, clock: Clock) {
    this.#clock = clock;
    this.#timer = clock.setTimeout(() => this.#stop(timedOut()), timeoutMs);
    this.#run = run;
    if (run?.aborted) this.#stop(run.reason);
    else if (run) {
      this.#onRunAbort = () => this.#stop(run.reason);
      run.addEventListener('abort', this.#onRunAbort, { once: true });
    }
  }

  /** True once the step must stop. */
  get aborted(): boolean {
    return this.#stopped;
  }

  /** Why the step must stop (the timeout's error or the run signal's reason). */
  get reason(): unknown {
    return this.#reason;
  }

  /** An `AbortSignal` that aborts when the step must stop, made on first use. */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#stopped) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** Throws the reason once the step must stop. */
  throwIfAborted(): void {
    if (this.#stopped) throw this.#reason;
  }

  /**
   * `promise`, or a rejection with the reason if the step must stop first.
   * The promise itself is not cancelled (the step sees its signal abort).
   */
  race<T>(promise: Promise<T>): Promise<T> {
    if (this.#stopped) {
      // The step may have stopped itself at once (its signal aborted during `run`): its own rejection is not unhandled.
      promise.then(undefined, () => {});
      return Promise.reject(this.#reason);
    }
    return new Promise<T>((resolve, reject) => {
      this.#reject = reject;
      promise.then(
        (v) => {
          this.#reject = undefined;
          resolve(v);
        },
        (e) => {
          this.#reject = undefined;
          reject(e);
        },
      );
    });
  }

  /** Clears the timer and stops listening to the run's signal. */
  dispose(): void {
    this.#clock.clearTimeout(this.#timer);
    if (this.#onRunAbort) this.#run?.removeEventListener('abort', this.#onRunAbort);
  }

  #stop(reason: unknown): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#reason = reason;
    // The step's own listeners hear of it before the race gives up on the step, as with an AbortSignal.
    this.#controller?.abort(reason);
    this.#reject?.(reason);
  }
}
