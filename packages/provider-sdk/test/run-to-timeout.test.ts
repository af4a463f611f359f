import { describe, expect, it } from 'vitest';
import { defineStep, Type } from '@innominatus/core';
import { createFakeClock } from '@innominatus/core/testing';
import { type CapturedEvent, loadProviderForTest, progressed, runWorkflowToTimeout } from '../src/testing/index';
import { writeProvider } from './helpers/fixtures';
import { applyStep, credentialsStep } from './helpers/test-steps';

/** A wait that reports what it observes, then waits until its step's timeout (5s on the run's clock) or an abort ends it. */
const hangingWait = defineStep({
  type: 'test-wait',
  description: 'Reports progress and never finishes by itself',
  input: Type.Object({ name: Type.String(), successWhen: Type.String() }),
  output: Type.Object({ ready: Type.Boolean() }),
  deferred: { successWhen: ['object'] },
  timeout: '5s',
  async run(input, ctx) {
    ctx.progress(`waiting for ${input.name}: {"phase":"Creating"}`);
    await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true }));
    return { ready: true };
  },
});

const provider = async () => loadProviderForTest(await writeProvider(), { steps: [applyStep, credentialsStep, hangingWait] });
const parameters = { db_name: 'orders', namespace: 'shop' };

describe('progressed', () => {
  const events = [
    { event: 'step:started', runId: 'r', step: 'wait' },
    { event: 'step:progress', runId: 'r', step: 'wait', message: 'waiting for shop-orders: {"phase":"Creating"}' },
  ] as unknown as CapturedEvent[];

  it('holds once a progress message ends with the suffix, and only then', () => {
    expect(progressed(events, '{"phase":"Creating"}')).toBe(true);
    expect(progressed(events, 'waiting for shop-orders: {"phase":"Creating"}')).toBe(true);
    expect(progressed(events, '{"phase":"Running"}')).toBe(false);
    expect(progressed(events, 'waiting for')).toBe(false);
    expect(progressed([], '')).toBe(false);
  });
});

describe('runWorkflowToTimeout', () => {
  it('moves the run clock once `when` holds, so the step times out then', async () => {
    const run = await runWorkflowToTimeout(await provider(), 'provision-postgres', {
      parameters,
      advanceMs: 5_000,
      when: (events) => progressed(events, '{"phase":"Creating"}'),
    });
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'STEP_TIMEOUT', message: "step 'wait' timed out after 5s", step: 'wait' });
  });

  it('rejects with WHEN_NEVER_HELD after the default 3 s, quoting `when` and the last progress, when `when` never holds; the run is aborted', async () => {
    const seen: string[] = [];
    const when = (events: readonly CapturedEvent[]) => progressed(events, '"Running"}');
    // Real time on a fake clock: it moves past the bound once the wait has reported its progress.
    const realClock = createFakeClock();
    let onProgress = () => {};
    const reported = new Promise<void>((resolve) => {
      onProgress = resolve;
    });
    let settled = false;
    const outcome = runWorkflowToTimeout(await provider(), 'provision-postgres', {
      parameters,
      advanceMs: 5_000,
      when,
      realClock,
      onEvent: (e) => {
        seen.push(e.event);
        if (e.event === 'step:progress') onProgress();
      },
    })
      .catch((e: unknown) => e)
      .finally(() => {
        settled = true;
      });
    await reported;
    await realClock.advance(2_999);
    expect(settled).toBe(false);
    await realClock.advance(1);
    const error = await outcome;
    expect(error).toMatchObject({
      code: 'WHEN_NEVER_HELD',
      message:
        "runWorkflowToTimeout: workflow 'provision-postgres' ran 3000 ms (real time) without `when` holding, so its clock was never moved and the run was aborted; " +
        // As the function's source reads at run time (the test's transform may rename the import).
        `it waited for: ${String(when).replace(/\s+/g, ' ')}; ` +
        'the last progress was step \'wait\': "waiting for shop-orders: {\\"phase\\":\\"Creating\\"}"',
    });
    expect(seen.at(-1)).toBe('run:failed');
  });

  it.each([
    [-1, '-1'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    ['100' as unknown as number, '"100"'],
  ])('refuses whenWithinMs %s with USAGE, before the run starts', async (whenWithinMs, shown) => {
    const seen: string[] = [];
    const error = await runWorkflowToTimeout(await provider(), 'provision-postgres', {
      parameters,
      advanceMs: 5_000,
      whenWithinMs,
      when: () => true,
      onEvent: (e) => seen.push(e.event),
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'USAGE',
      message: `runWorkflowToTimeout: whenWithinMs must be a finite number of milliseconds, 0 or more (got ${shown})`,
    });
    expect(seen).toStrictEqual([]);
  });
});
