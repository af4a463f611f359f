import { describe, expect, it, vi } from 'vitest';
import { createFakeClock } from '@innominatus/core/testing';
import { withRetry } from '../src/client/retry';

/** An error as client-node gives it: an HTTP status (and headers), or a connection error code. */
function apiError(fields: { code?: number | string; headers?: Record<string, string> }): Error {
  return Object.assign(new Error('API call failed'), fields);
}

/** A call that fails with `errors` in turn, then answers 'ok'; `calls` counts its tries. */
function failing(...errors: Error[]) {
  let calls = 0;
  return {
    calls: () => calls,
    fn: async () => {
      calls++;
      const e = errors.shift();
      if (e) throw e;
      return 'ok';
    },
  };
}

describe('client retries on an injected clock', () => {
  it('waits the backoff (between once and twice the first step) on the clock, not in real time', async () => {
    const clock = createFakeClock();
    const call = failing(apiError({ code: 'ECONNRESET' }));
    const answer = withRetry(call.fn, { retries: 3, minTimeoutMs: 10_000, maxTimeoutMs: 60_000, clock });
    await vi.waitFor(() => expect(clock.pending()).toBe(1), { timeout: 10_000 });
    expect(call.calls()).toBe(1);
    await clock.advance(9_999);
    expect(call.calls()).toBe(1);
    await clock.advance(10_001);
    expect(await answer).toBe('ok');
    expect(call.calls()).toBe(2);
  });

  it("honours Retry-After: a 429's next try waits at least that long", async () => {
    const clock = createFakeClock();
    const call = failing(apiError({ code: 429, headers: { 'retry-after': '30' } }));
    const answer = withRetry(call.fn, { retries: 3, minTimeoutMs: 100, maxTimeoutMs: 1_000, clock });
    await vi.waitFor(() => expect(clock.pending()).toBe(1), { timeout: 10_000 });
    await clock.advance(29_999);
    expect(call.calls()).toBe(1);
    await clock.advance(1);
    expect(await answer).toBe('ok');
    expect(call.calls()).toBe(2);
  });

  it('does not retry an error that is not transient, and gives up after the last retry', async () => {
    const clock = createFakeClock();
    const notFound = failing(apiError({ code: 404 }));
    await expect(withRetry(notFound.fn, { clock })).rejects.toMatchObject({ code: 404 });
    expect(notFound.calls()).toBe(1);
    const down = failing(apiError({ code: 503 }), apiError({ code: 503 }), apiError({ code: 503 }));
    const answer = withRetry(down.fn, { retries: 2, minTimeoutMs: 1_000, maxTimeoutMs: 1_000, clock }).catch((e: { code: number }) => e.code);
    for (let i = 0; i < 2; i++) {
      await vi.waitFor(() => expect(clock.pending()).toBe(1), { timeout: 10_000 });
      await clock.advance(1_000);
    }
    expect(await answer).toBe(503);
    expect(down.calls()).toBe(3);
  });

  it('ends the wait when the signal aborts, with its reason and no further try', async () => {
    const clock = createFakeClock();
    const call = failing(apiError({ code: 500 }));
    const controller = new AbortController();
    const answer = withRetry(call.fn, { minTimeoutMs: 60_000, clock, signal: controller.signal }).catch((e: Error) => e.message);
    await vi.waitFor(() => expect(clock.pending()).toBe(1), { timeout: 10_000 });
    controller.abort(new Error('step cancelled'));
    expect(await answer).toBe('step cancelled');
    expect(call.calls()).toBe(1);
    expect(clock.pending()).toBe(0);
  });
});
