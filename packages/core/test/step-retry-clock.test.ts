import { describe, expect, it, vi } from 'vitest';
import { createEngine } from '../src/index';
import { createFakeClock } from '../src/testing/fake-clock';
import { flaky, workflow } from './helpers';

describe("the backoff between a step's tries, on the engine's clock", () => {
  it('waits exactly the backoff (1 m, then 2 m) on an injected clock: no real waiting', async () => {
    const clock = createFakeClock();
    const { step, calls } = flaky(2);
    const engine = createEngine({ steps: [step], clock });
    const wf = workflow({
      // The step's timeout covers its tries and the waits between them, on the same clock.
      steps: [{ name: 'f', type: 'flaky', timeout: '1h', retry: { attempts: 3, backoff: '1m', maxBackoff: '10m' } }],
      outputs: { calls: '${{ steps["f"].outputs.calls }}' },
    });
    const run = engine.run(wf);
    // The step's timeout and the backoff before the second try.
    await vi.waitFor(() => expect(clock.pending()).toBe(2), { timeout: 10_000 });
    expect(calls).toEqual([1]);
    await clock.advance(59_999);
    expect(calls).toEqual([1]);
    await clock.advance(1);
    await vi.waitFor(() => expect(calls).toEqual([1, 2]), { timeout: 10_000 });
    await vi.waitFor(() => expect(clock.pending()).toBe(2), { timeout: 10_000 });
    await clock.advance(119_999);
    expect(calls).toEqual([1, 2]);
    await clock.advance(1);
    expect((await run).outputs).toStrictEqual({ calls: 3 });
    expect(calls).toEqual([1, 2, 3]);
  });

  it('ends the wait at once when the run is aborted: the step is cancelled, not tried again', async () => {
    const clock = createFakeClock();
    const { step, calls } = flaky(5);
    const engine = createEngine({ steps: [step], clock });
    const controller = new AbortController();
    const run = engine.run(workflow({ steps: [{ name: 'f', type: 'flaky', retry: { attempts: 5, backoff: '1h' } }] }), { signal: controller.signal });
    await vi.waitFor(() => expect(clock.pending()).toBe(2), { timeout: 10_000 });
    controller.abort(new Error('operator stopped it'));
    await expect(run).rejects.toMatchObject({ code: 'RUN_ABORTED', message: "step 'f' was cancelled", retryable: false });
    expect(calls).toEqual([1]);
    expect(clock.pending()).toBe(0);
  });
});
