import { expect } from 'vitest';
import type { Store } from '../store/types';
import type { FakeClock } from './fake-clock';

/** How far the check moves the clock first: to a time no store would stamp by chance. */
const CHECK_ADVANCE_MS = 61_234;

/**
 * Fails (a vitest assertion) unless `store`, and `peer` when given, stamp
 * the rows they write by `clock`: the first thing the store conformance
 * suite checks, since a harness's `open(clock)` compiles whether or not it
 * hands the clock to the store, and a store on the machine's clock fails the
 * suite's lease and backoff tests with messages that do not say why.
 * Writes one resource with each handle.
 */
export async function expectStoreOnClock(store: Store, clock: FakeClock, peer?: Store): Promise<void> {
  await clock.advance(CHECK_ADVANCE_MS);
  const expected = new Date(clock.now()).toISOString();
  const handles: [which: string, name: string, handle: Store][] = [['the store', 'by-store', store]];
  if (peer && peer !== store) handles.push(['its peer', 'by-peer', peer]);
  for (const [which, name, handle] of handles) {
    const created = await handle.createResource({ application: 'clock-check', name, type: 'check', properties: {} });
    expect(
      created.createdAt,
      `${which} stamped a new resource ${created.createdAt}, not ${expected} (the time of the clock the suite passed to open(clock)): ` +
        'pass that clock to the store and to every peer the harness opens (e.g. new MemoryStore({ clock })); the suite moves it to let leases lapse and attempts fall due',
    ).toBe(expected);
  }
}
