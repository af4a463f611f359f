import { describe, expect, it } from 'vitest';
import { createEngine, defineStep, MemoryJournal, reveal, sensitive, StepFailure, Type } from '../src/index';
import { createMockStepContext } from '../src/testing/index';
import { MAX_MEMO_BYTES } from '../src/engine/step-memo';
import { workflow } from './helpers';

const KEY = 'b'.repeat(64);

/** A step that remembers a "random" token from a scripted source, then fails as often as told. */
function tokenStep(script: { failures: number; retryable: boolean }) {
  let next = 0;
  const produced: string[] = [];
  const seen: string[] = [];
  let calls = 0;
  const step = defineStep({
    type: 'token',
    description: 'Remembers a generated token',
    input: Type.Object({}),
    output: Type.Object({ token: Type.String({ 'x-sensitive': true }) }),
    timeout: '5s',
    async run(_input, ctx) {
      const token = await ctx.remember('token', () => {
        const t = `tok-${++next}-secret`;
        produced.push(t);
        return sensitive(t);
      });
      seen.push(reveal(token));
      if (++calls <= script.failures) throw new StepFailure(`failure ${calls}`, { retryable: script.retryable });
      return { token: reveal(token) };
    },
  });
  return { step, produced, seen };
}

const wf = workflow({
  steps: [{ name: 'gen', type: 'token', with: {}, retry: { attempts: 3, backoff: '1ms' } }],
  outputs: { token: { value: '${{ steps.gen.outputs.token }}', sensitive: true } },
});

describe('StepContext.remember', () => {
  it('gives every retry of a step the value produced on its first try', async () => {
    const { step, produced, seen } = tokenStep({ failures: 2, retryable: true });
    const engine = createEngine({ steps: [step], encrypter: KEY });
    const result = await engine.run(wf, { runId: 'r1' });
    expect(produced).toEqual(['tok-1-secret']);
    expect(seen).toEqual(['tok-1-secret', 'tok-1-secret', 'tok-1-secret']);
    expect(reveal(result.outputs.token)).toBe('tok-1-secret');
  });

  it('journals the value sealed, keeps it through a failure, and hands it to the resumed run', async () => {
    const journal = new MemoryJournal();
    const { step, produced, seen } = tokenStep({ failures: 1, retryable: false });
    const engine = createEngine({ steps: [step], journal, encrypter: KEY });
    await expect(engine.run(wf, { runId: 'r2' })).rejects.toMatchObject({ code: 'STEP_FAILED' });
    const [failed] = await journal.listSteps('r2');
    expect(failed!.status).toBe('failed');
    expect(Object.keys(failed!.memo as object)).toEqual(['token']);
    expect(JSON.stringify(failed)).not.toContain('tok-1');
    expect((failed!.memo as { token: { $sensitive: string } }).token.$sensitive).toMatch(/^v1:/);

    // Another engine with the same key (another process) resumes the run.
    const resumed = await createEngine({ steps: [step], journal, encrypter: KEY }).resume('r2');
    expect(produced).toEqual(['tok-1-secret']);
    expect(seen).toEqual(['tok-1-secret', 'tok-1-secret']);
    expect(reveal(resumed.outputs.token)).toBe('tok-1-secret');
    const [succeeded] = await journal.listSteps('r2');
    expect(succeeded!.status).toBe('succeeded');
    expect(succeeded!.memo).toBeUndefined();
  });

  it('scrubs a remembered secret from the error of a later failure', async () => {
    const step = defineStep({
      type: 'token',
      description: 'Leaks its token into an error',
      input: Type.Object({}),
      output: Type.Object({}),
      timeout: '5s',
      async run(_input, ctx) {
        const t = await ctx.remember('token', () => sensitive('hunter2-remembered'));
        throw new Error(`could not use ${reveal(t)}`);
      },
    });
    const journal = new MemoryJournal();
    const engine = createEngine({ steps: [step], journal, encrypter: KEY });
    const err = (await engine.run(workflow({ steps: [{ name: 'gen', type: 'token', with: {} }] }), { runId: 'r3' }).catch((e: Error) => e)) as Error;
    expect(err.message).toBe("step 'gen' failed: could not use ***");
    expect(JSON.stringify([await journal.getRun('r3'), await journal.listSteps('r3')])).not.toContain('hunter2');
  });

  it(`refuses more than ${MAX_MEMO_BYTES} bytes and keys that are empty`, async () => {
    const step = defineStep({
      type: 'big',
      description: 'Remembers too much',
      input: Type.Object({ key: Type.String() }),
      output: Type.Object({}),
      timeout: '5s',
      async run(input, ctx) {
        await ctx.remember(input.key, () => 'x'.repeat(MAX_MEMO_BYTES));
        return {};
      },
    });
    const engine = createEngine({ steps: [step] });
    await expect(engine.run(workflow({ steps: [{ name: 'b', type: 'big', with: { key: 'k' } }] }))).rejects.toMatchObject({
      code: 'STEP_FAILED',
      message: `step 'b' failed: remember('k'): the step's remembered values would take ${MAX_MEMO_BYTES + 8} bytes, over the limit of ${MAX_MEMO_BYTES}`,
    });
    await expect(engine.run(workflow({ steps: [{ name: 'b', type: 'big', with: { key: '' } }] }))).rejects.toMatchObject({
      message: "step 'b' failed: remember: the key must be a string of 1 to 128 characters",
    });
  });

  it('is backed by a plain map in the mock step context, which a test can seed as a resumed run would', async () => {
    const ctx = createMockStepContext({ remembered: { token: 'seeded' } });
    expect(await ctx.remember('token', () => 'fresh')).toBe('seeded');
    expect(await ctx.remember('other', () => 'fresh')).toBe('fresh');
    expect(ctx.remembered).toEqual({ token: 'seeded', other: 'fresh' });
  });
});
