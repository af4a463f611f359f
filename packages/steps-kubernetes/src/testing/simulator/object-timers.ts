import { type Clock, type ClockTimer, systemClock } from '@innominatus/core';
import type { MockObject } from '../types';

const key = (o: MockObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** Delayed work kept per object, so that an object's pending work can be cancelled and all of it stopped at once. */
export interface ObjectTimers {
  /** Runs `fn` after `ms` on the clock unless cancelled or stopped first. */
  after(object: MockObject, ms: number, fn: () => void): void;
  /** Cancels the pending work of an object. */
  cancel(object: MockObject): void;
  /** Cancels all pending work; `after` schedules nothing any more. */
  stop(): void;
}

/** Timers per object (by namespace and name), on `clock` (default the system clock, whose setTimeout fake timers control). */
export function objectTimers(clock: Clock = systemClock): ObjectTimers {
  const timers = new Map<string, Set<ClockTimer>>();
  let stopped = false;
  return {
    after(o, ms, fn) {
      if (stopped) return;
      const k = key(o);
      const set = timers.get(k) ?? new Set<ClockTimer>();
      timers.set(k, set);
      const t = clock.setTimeout(() => {
        set.delete(t);
        if (!stopped) fn();
      }, ms);
      set.add(t);
    },
    cancel(o) {
      for (const t of timers.get(key(o)) ?? []) clock.clearTimeout(t);
      timers.delete(key(o));
    },
    stop() {
      stopped = true;
      for (const set of timers.values()) for (const t of set) clock.clearTimeout(t);
      timers.clear();
    },
  };
}
