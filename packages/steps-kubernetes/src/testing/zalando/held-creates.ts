/**
 * The Zalando simulator's holds (`operator.hold(name)`): the names whose new
 * clusters stay in `Creating`, and each held cluster's next step by its
 * namespace/name key, run once its name is released.
 */
export class HeldCreates {
  readonly #names = new Set<string>();
  readonly #waiting = new Map<string, { name: string; go: () => void }>();

  /** Holds the clusters of `name` created from now on. */
  hold(name: string): void {
    this.#names.add(name);
  }

  /** Ends the hold of `name`: each of its held clusters takes its next step now. */
  release(name: string): void {
    this.#names.delete(name);
    for (const [key, waiting] of [...this.#waiting]) {
      if (waiting.name !== name) continue;
      this.#waiting.delete(key);
      waiting.go();
    }
  }

  /** Runs `go` now, or keeps it for {@link release} when `name` is held. */
  goOrWait(key: string, name: string, go: () => void): void {
    if (this.#names.has(name)) this.#waiting.set(key, { name, go });
    else go();
  }

  /** Forgets the held step of the cluster at `key` (cancelled, or deleted). */
  forget(key: string): void {
    this.#waiting.delete(key);
  }

  /** Forgets every held step (the operator stopped, its cluster closed); the names stay held. */
  clear(): void {
    this.#waiting.clear();
  }
}
