/**
 * At most `limit` calls running at once; the others wait their turn in
 * arrival order. A call that waits is only a function in a queue: it makes
 * its request (client-node's request context, node-fetch's request, the
 * `http.ClientRequest` with its options and headers, about 6 KiB) once it
 * starts, not while thousands of others are ahead of it. A waiting call
 * whose signal aborts leaves the queue at once, rejected with the signal's
 * reason, and never runs.
 */
export class CallSlots {
  readonly #limit: number;
  #running = 0;
  /** The waiting calls' starts, oldest first (a Set keeps insertion order and drops an aborted one in O(1)). */
  readonly #waiting = new Set<() => void>();

  constructor(limit: number) {
    if (!(limit >= 1)) throw new RangeError(`a call limit must be at least 1 (got ${limit})`);
    this.#limit = limit;
  }

  /** Calls running now. */
  get running(): number {
    return this.#running;
  }

  /** Calls waiting for a slot now. */
  get waiting(): number {
    return this.#waiting.size;
  }

  /** Runs `fn` once a slot is free (at once when one is); its slot is free again when its promise settles. */
  run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#running < this.#limit) return this.#start(fn);
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        this.#waiting.delete(start);
        reject(signal!.reason);
      };
      const start = () => {
        signal?.removeEventListener('abort', onAbort);
        this.#start(fn).then(resolve, reject);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.add(start);
    });
  }

  #start<T>(fn: () => Promise<T>): Promise<T> {
    this.#running++;
    let call: Promise<T>;
    try {
      call = fn();
    } catch (err) {
      call = Promise.reject(err);
    }
    return call.finally(() => {
      this.#running--;
      this.#next();
    });
  }

  #next(): void {
    for (const start of this.#waiting) {
      if (this.#running >= this.#limit) return;
      this.#waiting.delete(start);
      start();
    }
  }
}
