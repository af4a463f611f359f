import type { StoreEvent } from './types';

/**
 * The recent events of one kind, oldest first, like one kind's part of the
 * API server's watch cache: at most `limit` are kept; older ones are
 * dropped and remembered as `compactedThrough`. Adding is O(1) amortised and
 * reading the events after a resourceVersion is a binary search.
 */
export class EventHistory {
  #events: StoreEvent[] = [];
  /** Index of the oldest kept event in `#events` (dropped ones are sliced off in batches). */
  #start = 0;
  /** The resourceVersion of the newest dropped event (0: none dropped). */
  compactedThrough = 0;

  constructor(private readonly limit: number) {}

  /** Keeps an event (resourceVersions only grow), dropping the oldest over the limit. */
  push(event: StoreEvent): void {
    this.#events.push(event);
    if (this.#events.length - this.#start <= this.limit) return;
    this.compactedThrough = this.#events[this.#start]!.resourceVersion;
    this.#start++;
    if (this.#start >= Math.max(1024, this.limit)) {
      this.#events = this.#events.slice(this.#start);
      this.#start = 0;
    }
  }

  /** The kept events with a resourceVersion above `resourceVersion`, oldest first. */
  since(resourceVersion: number): StoreEvent[] {
    let lo = this.#start;
    let hi = this.#events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#events[mid]!.resourceVersion <= resourceVersion) lo = mid + 1;
      else hi = mid;
    }
    return this.#events.slice(lo);
  }

  /** Every kept event, oldest first. */
  all(): StoreEvent[] {
    return this.#events.slice(this.#start);
  }
}
