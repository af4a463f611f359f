/**
 * One-at-a-time sections per key, within this process: a call for a key
 * starts after every earlier call for the same key has settled.
 */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Runs `fn` once every earlier `run` with the same key has finished (resolved or rejected). */
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(fn);
    this.#tails.set(key, next);
    try {
      return await next;
    } finally {
      if (this.#tails.get(key) === next) this.#tails.delete(key);
    }
  }

  /** Runs `fn` holding the lock of every key, taken one after the other in the order given. */
  runAll<T>(keys: readonly string[], fn: () => Promise<T>): Promise<T> {
    const [first, ...rest] = keys;
    return first === undefined ? fn() : this.run(first, () => this.runAll(rest, fn));
  }
}
