import { describe, expect, it } from 'vitest';
import { createEngine, defineStep, Type } from '../src/index';
import { workflow } from './helpers';

/** A step that never settles and never looks at its signal. */
const deaf = defineStep({
  type: 'deaf',
  description: 'Never settles, ignores its signal',
  timeout: '5s',
  input: Type.Object({}),
  output: Type.Object({}),
  run: () => new Promise<Record<string, never>>(() => {}),
});

/** A step that settles when its signal aborts, reporting the reason it saw. */
function listener(seen: unknown[], listening: () => void = () => {}) {
  return defineStep({
    type: 'listener',
    description: 'Waits for its signal',
    timeout: '5s',
    input: Type.Object({}),
    output: Type.Object({}),
    run: (_input, ctx) =>
      new Promise<Record<string, never>>((_resolve, reject) => {
        ctx.signal.addEventListener('abort', () => {
          seen.push(ctx.signal.reason);
          reject(new Error('stopped'));
        });
        listening();
      }),
  });
}

/** A step that throws a value that is not an Error. */
const thrower = defineStep({
  type: 'thrower',
  description: 'Throws a string',
  timeout: '5s',
  input: Type.Object({}),
  output: Type.Object({}),
  async run() {
    throw 'plain text';
  },
});

describe('a step without retries and one with them behave alike', () => {
  it.each([1, 3])('times out a step that never reads its signal (attempts: %i)', async (attempts) => {
    const wf = workflow({ steps: [{ name: 'd', type: 'deaf', timeout: '30ms', retry: { attempts, backoff: '1ms' } }] });
    await expect(createEngine({ steps: [deaf] }).run(wf)).rejects.toMatchObject({ code: 'STEP_TIMEOUT', step: 'd', message: "step 'd' timed out after 30ms" });
  });

  it.each([1, 3])("aborts the step's signal with the timeout's error (attempts: %i)", async (attempts) => {
    const seen: unknown[] = [];
    const wf = workflow({ steps: [{ name: 'l', type: 'listener', timeout: '30ms', retry: { attempts, backoff: '1ms' } }] });
    await expect(createEngine({ steps: [listener(seen)] }).run(wf)).rejects.toMatchObject({ code: 'STEP_TIMEOUT', step: 'l' });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ code: 'STEP_TIMEOUT', step: 'l', message: "step 'l' timed out after 30ms" });
  });

  it.each([1, 3])("aborts the step's signal when the run is cancelled (attempts: %i)", async (attempts) => {
    const seen: unknown[] = [];
    const controller = new AbortController();
    const engine = createEngine({ steps: [listener(seen, () => controller.abort(new Error('operator cancelled')))] });
    const wf = workflow({ steps: [{ name: 'l', type: 'listener', retry: { attempts, backoff: '1ms' } }] });
    await expect(engine.run(wf, { signal: controller.signal })).rejects.toMatchObject({ code: 'RUN_ABORTED', step: 'l', message: "step 'l' was cancelled" });
    expect(seen).toStrictEqual([controller.signal.reason]);
  });

  it('fails a step that throws a non-Error value the same way with or without retries', async () => {
    const failure = (attempts: number) =>
      createEngine({ steps: [thrower] })
        .run(workflow({ steps: [{ name: 't', type: 'thrower', retry: { attempts, backoff: '1ms' } }] }))
        .catch((e: unknown) => e);
    const [once, thrice] = await Promise.all([failure(1), failure(3)]);
    const expected = {
      code: 'STEP_FAILED',
      step: 't',
      retryable: false,
      message: 'step \'t\' failed: Non-error was thrown: "plain text". You should only throw errors.',
    };
    expect(once).toMatchObject(expected);
    expect(thrice).toMatchObject(expected);
  });
});
