import { describe, expect, it, vi } from 'vitest';
import { createEngine, defineStep, Type } from '../src/index';
import { sleepOn } from '../src/util/clock';
import { createFakeClock } from '../src/testing/fake-clock';
import { createMockStepContext } from '../src/testing/mock-step-context';
import { workflow } from './helpers';

/** A step that waits `ms` on its context's clock and reports the clock's time before and after. */
const pause = defineStep({
  type: 'pause',
  description: 'waits on ctx.clock',
  input: Type.Object({ ms: Type.Number() }),
  output: Type.Object({ before: Type.Number(), after: Type.Number() }),
  timeout: '5m',
  async run({ ms }, ctx) {
    const before = ctx.clock.now();
    await sleepOn(ctx.clock, ms, ctx.signal);
    return { before, after: ctx.clock.now() };
  },
});

describe("a step's own waits, on ctx.clock", () => {
  it("is the engine's clock: a wait of an hour ends when the test moves the fake clock, not before", async () => {
    const clock = createFakeClock();
    const engine = createEngine({ steps: [pause], clock });
    const run = engine.run(
      workflow({ steps: [{ name: 'p', type: 'pause', with: { ms: 3_600_000 }, timeout: '2h' }], outputs: { after: '${{ steps["p"].outputs.after }}' } }),
    );
    let done = false;
    void run.then(() => (done = true));
    // The step's 2 h timeout and its 1 h wait.
    await vi.waitFor(() => expect(clock.pending()).toBe(2), { timeout: 10_000 });
    await clock.advance(3_599_999);
    expect(done).toBe(false);
    await clock.advance(1);
    expect((await run).outputs).toStrictEqual({ after: Date.UTC(2026, 0, 1) + 3_600_000 });
  });

  it('is the system clock when the engine is given none', async () => {
    const engine = createEngine({ steps: [pause] });
    const start = Date.now();
    const { outputs } = await engine.run(
      workflow({ steps: [{ name: 'p', type: 'pause', with: { ms: 1 } }], outputs: { before: '${{ steps["p"].outputs.before }}' } }),
    );
    expect(outputs.before).toBeGreaterThanOrEqual(start);
  });

  it("is the mock context's clock option, and remainingMs follows it", async () => {
    const clock = createFakeClock();
    const ctx = createMockStepContext({ timeoutMs: 10_000, clock });
    expect(ctx.clock).toBe(clock);
    expect(ctx.remainingMs()).toBe(10_000);
    await clock.advance(4_000);
    expect(ctx.remainingMs()).toBe(6_000);
    const out = pause.run({ ms: 1_000 }, ctx);
    await clock.advance(1_000);
    expect(await out).toStrictEqual({ before: Date.UTC(2026, 0, 1) + 4_000, after: Date.UTC(2026, 0, 1) + 5_000 });
  });

  it("runs the step's timeout and remainingMs on the engine's clock too: a 10 min timeout ends a longer wait when the fake clock reaches it", async () => {
    const clock = createFakeClock();
    const left: number[] = [];
    const waitsLong = defineStep({
      type: 'waits-long',
      description: 'reports remainingMs, then waits an hour on ctx.clock',
      input: Type.Object({}),
      output: Type.Object({}),
      timeout: '10m',
      async run(_input, ctx) {
        left.push(ctx.remainingMs());
        await sleepOn(ctx.clock, 3_600_000, ctx.signal);
        return {};
      },
    });
    const engine = createEngine({ steps: [waitsLong], clock });
    const run = engine.run(workflow({ steps: [{ name: 'w', type: 'waits-long', with: {} }] }));
    run.catch(() => {});
    await vi.waitFor(() => expect(clock.pending()).toBe(2), { timeout: 10_000 });
    expect(left).toStrictEqual([600_000]);
    await clock.advance(600_000);
    await expect(run).rejects.toMatchObject({ code: 'STEP_TIMEOUT', message: "step 'w' timed out after 10m" });
  });
});
