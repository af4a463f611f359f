import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/store/memory-store';
import { createFakeClock } from '../src/testing/fake-clock';
import { expectStoreOnClock } from '../src/testing/store-clock-check';
import * as conformance from '../src/testing/store-conformance';

describe("the store conformance suite's clock check", () => {
  it('passes a store and a peer that stamp rows by the clock, after moving it to a time no store stamps by chance', async () => {
    const clock = createFakeClock();
    const store = new MemoryStore({ clock });
    await expectStoreOnClock(store, clock, new MemoryStore({ clock }));
    expect((await store.findResource('clock-check', 'by-store'))?.createdAt).toBe('2026-01-01T00:01:01.234Z');
  });

  it('fails for a store on the machine clock, naming the fix', async () => {
    const clock = createFakeClock();
    const error = await expectStoreOnClock(new MemoryStore(), clock).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /^the store stamped a new resource \S+, not 2026-01-01T00:01:01\.234Z \(the time of the clock the suite passed to open\(clock\)\): pass that clock to the store and to every peer the harness opens \(e\.g\. new MemoryStore\(\{ clock \}\)\); the suite moves it to let leases lapse and attempts fall due/,
    );
  });

  it('fails for a peer on the machine clock', async () => {
    const clock = createFakeClock();
    const error = await expectStoreOnClock(new MemoryStore({ clock }), clock, new MemoryStore()).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^its peer stamped a new resource \S+, not 2026-01-01T00:01:01\.234Z /);
  });

  it('the suite hands harnesses the fake clock it opens them with: createFakeClock is exported beside it', () => {
    expect(conformance.createFakeClock().now()).toBe(Date.UTC(2026, 0, 1));
  });
});
