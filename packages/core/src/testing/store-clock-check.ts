import type { Store } from '../store/types';
import type { FakeClock } from './fake-clock';

/** How far the check moves the clock first: to a time no store would stamp by chance. */
const CHECK_ADVANCE_MS = 61_234;

/** The store conformance suite's clock check, and what it leaves for the tests after it. */
export interface StoreClockCheck {
  /**
   * Fails unless `store`, and `peer` when given, stamp the rows they write by
   * `clock` (writes one resource with each handle). A store that throws
   * fails it with its own error, which later tests do not repeat.
   */
  run(store: Store, clock: FakeClock, peer?: Store): Promise<void>;
  /** Throws the error `run` failed with when it found a handle off the clock: before each later test, whose own failure would not say why. */
  guard(): void;
}

/**
 * The first thing the store conformance suite checks: a harness's
 * `open(clock)` compiles whether or not it hands the clock to the store, and
 * a store on the machine's clock fails the suite's lease and backoff tests
 * with messages that do not say why. Once the check found a store off the
 * clock, {@link StoreClockCheck.guard} fails every later test with the
 * message that names the fix.
 */
export function storeClockCheck(): StoreClockCheck {
  let offClock: Error | undefined;
  return {
    async run(store, clock, peer) {
      const mismatch = await clockMismatch(store, clock, peer);
      if (mismatch === undefined) return;
      offClock = new Error(mismatch);
      throw offClock;
    },
    guard() {
      if (offClock) throw offClock;
    },
  };
}

/** What is wrong when a handle stamps a new resource by another clock than `clock`, or undefined when both stamp by it. */
async function clockMismatch(store: Store, clock: FakeClock, peer: Store | undefined): Promise<string | undefined> {
  await clock.advance(CHECK_ADVANCE_MS);
  const expected = new Date(clock.now()).toISOString();
  const handles: [which: string, name: string, handle: Store][] = [['the store', 'by-store', store]];
  if (peer && peer !== store) handles.push(['its peer', 'by-peer', peer]);
  for (const [which, name, handle] of handles) {
    const created = await handle.createResource({ application: 'clock-check', name, type: 'check', properties: {} });
    if (created.createdAt !== expected) {
      return (
        `${which} stamped a new resource ${created.createdAt}, not ${expected} (the time of the clock the suite passed to open(clock)): ` +
        'pass that clock to the store and to every peer the harness opens (e.g. new MemoryStore({ clock })); the suite moves it to let leases lapse and attempts fall due'
      );
    }
  }
  return undefined;
}
