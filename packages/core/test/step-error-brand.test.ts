import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as core from '../src/index';
import { createEngine, defineStep, InnominatusError, StepError, StepFailure, Type } from '../src/index';
import { createFakeClock } from '../src/testing/fake-clock';

// The CommonJS build is another copy of core than the source these tests import.
const other = createRequire(import.meta.url)(join(__dirname, '../dist/index.cjs')) as typeof import('../src/index');

/** A step that throws what `fail` makes. */
function throwing(fail: () => Error) {
  return defineStep({
    type: 'throws',
    description: 'throws',
    timeout: '5s',
    input: Type.Object({}),
    output: Type.Object({}),
    async run() {
      throw fail();
    },
  });
}

const workflow: core.Workflow = {
  apiVersion: 'innominatus.io/v1',
  kind: 'Workflow',
  metadata: { name: 'w' },
  steps: [{ name: 'outer', type: 'throws' }],
};

describe('StepError.is: a brand that holds across copies of core', () => {
  it('recognises a StepError of either copy, and nothing else', () => {
    const foreign = new other.StepError('STEP_TIMEOUT', 's', 'timed out');
    expect(foreign instanceof StepError).toBe(false);
    expect(StepError.is(foreign)).toBe(true);
    expect(StepError.is(new StepError('STEP_FAILED', 's', 'x'))).toBe(true);
    expect(other.StepError.is(new StepError('STEP_FAILED', 's', 'x'))).toBe(true);
    expect(InnominatusError.is(foreign)).toBe(true);
    expect(StepError.is(new StepFailure('x'))).toBe(false);
    expect(StepError.is(new other.InnominatusError('STEP_FAILED', 'x'))).toBe(false);
    expect(StepError.is({ code: 'STEP_FAILED', step: 's' })).toBe(false);
    expect(StepError.is(null)).toBe(false);
  });

  it("the engine keeps a step's StepError from another copy as it keeps its own", async () => {
    const make = (copy: typeof core) => () =>
      new copy.StepError('STEP_INPUT_INVALID', 'inner', 'inner step: bad input', { path: '/steps/0/with', retryable: true });
    const expected = { code: 'STEP_INPUT_INVALID', step: 'inner', message: 'inner step: bad input', path: '/steps/0/with', retryable: true };
    // The error is retryable, so the engine retries the step: its backoff runs on a fake clock, moved until the run ends.
    const failure = async (copy: typeof core) => {
      const clock = createFakeClock();
      let ended = false;
      const running = createEngine({ steps: [throwing(make(copy))], clock })
        .run(workflow)
        .catch((e: unknown) => e)
        .finally(() => {
          ended = true;
        });
      while (!ended) if (!(await clock.next())) await clock.settle();
      return running;
    };
    const own = await failure(core);
    const foreign = await failure(other);
    expect(own).toMatchObject(expected);
    expect(foreign).toMatchObject(expected);
    expect(StepError.is(foreign)).toBe(true);
  });
});
