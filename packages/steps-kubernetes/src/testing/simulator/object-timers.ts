import type { MockObject } from '../types';

const key = (o: MockObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** Delayed work kept per object, so that an object's pending work can be cancelled and all of it stopped at once. */
export interface ObjectTimers {
  /** Runs `fn` after `ms` (setTimeout, so fake timers control it) unless cancelled or stopped first. */
  after(object: MockObject, ms: number, fn: () => void): void;
  /** Cancels the pending work of an object. */
  cancel(object: MockObject): void;
  /** Cancels all pending work; `after` schedules nothing any more. */
  stop(): void;
}

/** Timers per object (by namespace and name). */
export function objectTimers(): ObjectTimers {
  const timers = new Map<string, Set<NodeJS.Timeout>>();
  let stopped = false;
  return {
    after(o, ms, fn) {
      if (stopped) return;
      const k = key(o);
      const set = timers.get(k) ?? new Set<NodeJS.Timeout>();
      timers.set(k, set);
      const t = setTimeout(() => {
        set.delete(t);
        if (!stopped) fn();
      }, ms);
      set.add(t);
    },
    cancel(o) {
      for (const t of timers.get(key(o)) ?? []) clearTimeout(t);
      timers.delete(key(o));
    },
    stop() {
      stopped = true;
      for (const set of timers.values()) for (const t of set) clearTimeout(t);
      timers.clear();
    },
  };
}
