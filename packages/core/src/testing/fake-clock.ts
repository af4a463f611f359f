import type { Clock, ClockTimer } from '../util/clock';

/** A {@link Clock} whose time moves only when the test says so. */
export interface FakeClock extends Clock {
  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way
   * in order, each at its own time, and letting the promise chains it starts
   * settle before the next one fires.
   */
  advance(ms: number): Promise<void>;
  /** Moves time to the next timer and fires it (and any due at the same time); false when none is set. */
  next(): Promise<boolean>;
  /** Lets pending promise callbacks and I/O callbacks run, without moving time. */
  settle(): Promise<void>;
  /** Timers set and not yet fired or cleared. */
  pending(): number;
}

interface FakeTimer {
  due: number;
  seq: number;
  fn: () => void;
}

/** How many event-loop turns `settle` yields: enough for a chain of awaits on in-memory work to finish. */
const SETTLE_TURNS = 20;

/**
 * A clock for tests: `now()` starts at `start` (epoch ms, default
 * 2026-01-01T00:00:00Z) and moves only through `advance` and `next`, so lease
 * expiry, heartbeats, backoff and polls happen exactly when the test moves
 * time, whatever the machine's speed.
 *
 * @example
 * const clock = createFakeClock();
 * const store = new MemoryStore({ clock });
 * const orchestrator = createOrchestrator({ store, engine, registry, clock });
 * orchestrator.start();
 * await clock.advance(30_000); // the lease lapses now, not "about now"
 */
export function createFakeClock(start = Date.UTC(2026, 0, 1)): FakeClock {
  let now = start;
  let seq = 0;
  const timers = new Map<ClockTimer, FakeTimer>();

  const settle = async () => {
    for (let i = 0; i < SETTLE_TURNS; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  };

  const earliest = (): [ClockTimer, FakeTimer] | undefined => {
    let best: [ClockTimer, FakeTimer] | undefined;
    for (const entry of timers) {
      if (!best || entry[1].due < best[1].due || (entry[1].due === best[1].due && entry[1].seq < best[1].seq)) best = entry;
    }
    return best;
  };

  const fireDue = async (until: number) => {
    for (;;) {
      const next = earliest();
      if (!next || next[1].due > until) return;
      timers.delete(next[0]);
      now = Math.max(now, next[1].due);
      next[1].fn();
      await settle();
    }
  };

  return {
    now: () => now,
    setTimeout(fn, ms) {
      const handle: ClockTimer = {};
      timers.set(handle, { due: now + Math.max(0, ms), seq: seq++, fn });
      return handle;
    },
    clearTimeout(timer) {
      if (timer) timers.delete(timer);
    },
    async advance(ms) {
      await settle();
      const target = now + ms;
      await fireDue(target);
      now = target;
      await settle();
    },
    async next() {
      await settle();
      const first = earliest();
      if (!first) return false;
      await fireDue(first[1].due);
      return true;
    },
    settle,
    pending: () => timers.size,
  };
}
