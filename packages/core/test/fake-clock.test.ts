import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../src/testing/fake-clock';
import { every } from '../src/util/clock';

describe('createFakeClock', () => {
  it('moves only when told, firing due timers in order at their own times', async () => {
    const clock = createFakeClock(1_000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 200);
    clock.setTimeout(() => fired.push(`a@${clock.now()}`), 100);
    const c = clock.setTimeout(() => fired.push('c'), 150);
    clock.clearTimeout(c);
    expect([clock.now(), clock.pending()]).toEqual([1_000, 2]);
    await clock.advance(150);
    expect([fired, clock.now()]).toEqual([['a@1100'], 1_150]);
    await clock.advance(50);
    expect([fired, clock.pending()]).toEqual([['a@1100', 'b@1200'], 0]);
  });

  it('lets the promise chain a timer starts settle before the next timer fires', async () => {
    const clock = createFakeClock(0);
    const seen: string[] = [];
    clock.setTimeout(async () => {
      await Promise.resolve();
      await new Promise<void>((r) => setImmediate(r));
      seen.push(`chain done@${clock.now()}`);
      clock.setTimeout(() => seen.push(`follow-up@${clock.now()}`), 10);
    }, 5);
    clock.setTimeout(() => seen.push(`second@${clock.now()}`), 6);
    await clock.advance(20);
    expect(seen).toEqual(['chain done@5', 'second@6', 'follow-up@15']);
  });

  it('runs a repeating timer every period until stopped, and next() jumps to the next timer', async () => {
    const clock = createFakeClock(0);
    const ticks: number[] = [];
    const stop = every(clock, 30, () => ticks.push(clock.now()));
    await clock.advance(100);
    expect(ticks).toEqual([30, 60, 90]);
    expect(await clock.next()).toBe(true);
    expect(ticks).toEqual([30, 60, 90, 120]);
    stop();
    expect(await clock.next()).toBe(false);
    expect(clock.pending()).toBe(0);
  });
});
