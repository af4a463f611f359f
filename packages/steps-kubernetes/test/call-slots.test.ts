import { describe, expect, it } from 'vitest';
import { CallSlots } from '../src/client/call-slots';

/** A call the test settles when it likes, recording when it started. */
function held(log: string[], name: string) {
  let settle!: (fail?: Error) => void;
  const fn = () => {
    log.push(`start ${name}`);
    return new Promise<string>((resolve, reject) => {
      settle = (fail) => (fail ? reject(fail) : resolve(name));
    });
  };
  return { fn, settle: (fail?: Error) => settle(fail) };
}

describe('CallSlots', () => {
  it('runs at most the limit at once and starts the waiting calls in arrival order as slots free', async () => {
    const log: string[] = [];
    const slots = new CallSlots(2);
    const calls = ['a', 'b', 'c', 'd'].map((n) => held(log, n));
    const results = calls.map((c) => slots.run(c.fn));
    expect(log).toEqual(['start a', 'start b']);
    expect([slots.running, slots.waiting]).toEqual([2, 2]);
    calls[1]!.settle();
    await results[1];
    await Promise.resolve();
    expect(log).toEqual(['start a', 'start b', 'start c']);
    calls[0]!.settle(new Error('refused'));
    await expect(results[0]).rejects.toThrow('refused');
    await Promise.resolve();
    expect(log).toEqual(['start a', 'start b', 'start c', 'start d']);
    calls[2]!.settle();
    calls[3]!.settle();
    expect(await Promise.all(results.slice(1))).toEqual(['b', 'c', 'd']);
    expect([slots.running, slots.waiting]).toEqual([0, 0]);
  });

  it('frees the slot of a call that throws before it returns a promise', async () => {
    const slots = new CallSlots(1);
    await expect(
      slots.run(() => {
        throw new Error('no request');
      }),
    ).rejects.toThrow('no request');
    expect(await slots.run(() => Promise.resolve('next'))).toBe('next');
    expect(slots.running).toBe(0);
  });

  it('drops a waiting call whose signal aborts, rejecting with its reason, and never runs it', async () => {
    const log: string[] = [];
    const slots = new CallSlots(1);
    const first = held(log, 'first');
    const running = slots.run(first.fn);
    const controller = new AbortController();
    const waiting = slots.run(held(log, 'aborted').fn, controller.signal);
    const after = held(log, 'after');
    const next = slots.run(after.fn);
    const reason = new Error('step timed out');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(slots.waiting).toBe(1);
    first.settle();
    await running;
    await Promise.resolve();
    after.settle();
    expect(await next).toBe('after');
    expect(log).toEqual(['start first', 'start after']);
  });

  it('refuses a call whose signal has already aborted, without running it', async () => {
    const slots = new CallSlots(4);
    const reason = new Error('cancelled');
    let ran = false;
    await expect(
      slots.run(() => {
        ran = true;
        return Promise.resolve();
      }, AbortSignal.abort(reason)),
    ).rejects.toBe(reason);
    expect(ran).toBe(false);
    expect(() => new CallSlots(0)).toThrow('a call limit must be at least 1 (got 0)');
  });
});
