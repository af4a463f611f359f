import { describe, expect, it } from 'vitest';
import { createFakeClock } from '@innominatus/core/testing';
import { type CapturedEvent, moveOnProgress } from '../src/testing/index';

const event = (name: string, step: string) => ({ event: name, runId: 'r', step, message: 'waiting' }) as unknown as CapturedEvent;

describe('moveOnProgress', () => {
  it('moves the clock by stepMs for each progress of the named step only, one move after another, each firing the timers it reaches', async () => {
    const clock = createFakeClock();
    const start = clock.now();
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(clock.now() - start), 100);
    clock.setTimeout(() => fired.push(clock.now() - start), 200);
    clock.setTimeout(() => fired.push(clock.now() - start), 250);
    const moves = moveOnProgress(clock, 100, 'wait');
    moves.onEvent(event('step:started', 'wait'));
    moves.onEvent(event('step:progress', 'other'));
    await moves.settled();
    expect([clock.now() - start, fired]).toEqual([0, []]);
    moves.onEvent(event('step:progress', 'wait'));
    moves.onEvent(event('step:progress', 'wait'));
    await moves.settled();
    expect([clock.now() - start, fired]).toEqual([200, [100, 200]]);
    moves.onEvent(event('step:progress', 'wait'));
    await moves.settled();
    expect([clock.now() - start, fired]).toEqual([300, [100, 200, 250]]);
  });
});
