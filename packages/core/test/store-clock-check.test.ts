import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/store/memory-store';
import { createFakeClock } from '../src/testing/fake-clock';
import { storeClockCheck } from '../src/testing/store-clock-check';
import * as conformance from '../src/testing/store-conformance';

const FIX =
  ' (the time of the clock the suite passed to open(clock)): pass that clock to the store and to every peer the harness opens (e.g. new MemoryStore({ clock })); the suite moves it to let leases lapse and attempts fall due';

describe("the store conformance suite's clock check", () => {
  it('passes a store and a peer that stamp rows by the clock, after moving it to a time no store stamps by chance; later tests go on', async () => {
    const clock = createFakeClock();
    const store = new MemoryStore({ clock });
    const check = storeClockCheck();
    await check.run(store, clock, new MemoryStore({ clock }));
    expect((await store.findResource('clock-check', 'by-store'))?.createdAt).toBe('2026-01-01T00:01:01.234Z');
    expect(() => check.guard()).not.toThrow();
  });

  it('fails for a store on the machine clock, naming the fix, and so does every later test', async () => {
    const clock = createFakeClock();
    const check = storeClockCheck();
    const error = await check.run(new MemoryStore(), clock).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^the store stamped a new resource \S+, not 2026-01-01T00:01:01\.234Z /);
    expect((error as Error).message.endsWith(FIX)).toBe(true);
    expect(() => check.guard()).toThrow(error as Error);
  });

  it('fails for a peer on the machine clock', async () => {
    const clock = createFakeClock();
    const error = await storeClockCheck()
      .run(new MemoryStore({ clock }), clock, new MemoryStore())
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^its peer stamped a new resource \S+, not 2026-01-01T00:01:01\.234Z /);
    expect((error as Error).message.endsWith(FIX)).toBe(true);
  });

  it("fails with a store's own error when the store throws, which later tests do not repeat (it does not say the store is off the clock)", async () => {
    const clock = createFakeClock();
    const store = new MemoryStore({ clock });
    const refused = new Error('connection refused');
    store.createResource = async () => {
      throw refused;
    };
    const check = storeClockCheck();
    await expect(check.run(store, clock)).rejects.toBe(refused);
    expect(() => check.guard()).not.toThrow();
  });

  it('the suite hands harnesses the fake clock it opens them with: createFakeClock is exported beside it', () => {
    expect(conformance.createFakeClock().now()).toBe(Date.UTC(2026, 0, 1));
  });
});
