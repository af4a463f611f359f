import { describe, expect, it } from 'vitest';
import { createEngine, defineStep, Type } from '../src/index';
import { createFakeClock } from '../src/testing/fake-clock';
import { workflow } from './helpers';

/** A step that takes its context apart, as a step author may, and uses each part on its own. */
const destructuring = defineStep({
  type: 'destructuring',
  description: 'uses its context destructured',
  input: Type.Object({}),
  output: Type.Object({ key: Type.String(), run: Type.String(), step: Type.String(), attempt: Type.Integer(), left: Type.Number(), aborted: Type.Boolean() }),
  timeout: '5m',
  async run(_input, ctx) {
    const { progress, remainingMs, idempotencyKey, runId, stepName, attempt, signal, logger } = ctx;
    progress('half way');
    progress({ message: 'done', data: { n: 1 } });
    logger.info('logged');
    return { key: idempotencyKey, run: runId, step: stepName, attempt, left: remainingMs(), aborted: signal.aborted };
  },
});

/** A step that copies its context with another `progress`, as a step wrapping another may, and uses the copy. */
const spreading = defineStep({
  type: 'spreading',
  description: 'uses a copy of its context',
  input: Type.Object({}),
  output: Type.Object({ keys: Type.Array(Type.String()), aborted: Type.Boolean() }),
  timeout: '5m',
  async run(_input, ctx) {
    const copy = { ...ctx, progress: (u: string) => ctx.progress(`wrapped: ${u}`) };
    copy.progress('half way');
    copy.logger.info('logged');
    return { keys: Object.keys(copy).sort(), aborted: copy.signal.aborted };
  },
});

describe("a step's context", () => {
  it('copied with a spread, keeps its signal and logger', async () => {
    const engine = createEngine({ steps: [spreading], clock: createFakeClock() });
    const progress: unknown[] = [];
    engine.events.on('step:progress', (e) => progress.push(e.message));
    const { outputs } = await engine.run(workflow({ steps: [{ name: 's', type: 'spreading' }], outputs: { all: '${{ steps["s"].outputs }}' } }), {
      runId: 'run-1',
    });
    expect(outputs.all).toStrictEqual({
      keys: ['attempt', 'clock', 'idempotencyKey', 'logger', 'progress', 'remainingMs', 'remember', 'runId', 'signal', 'stepName'],
      aborted: false,
    });
    expect(progress).toStrictEqual(['wrapped: half way']);
  });

  it('works taken apart: progress and remainingMs without their object, the getters read once', async () => {
    const clock = createFakeClock();
    const engine = createEngine({ steps: [destructuring], clock });
    const progress: unknown[] = [];
    engine.events.on('step:progress', (e) => progress.push({ message: e.message, data: e.data }));
    const { outputs } = await engine.run(
      workflow({ steps: [{ name: 'd', type: 'destructuring', timeout: '10m' }], outputs: { all: '${{ steps["d"].outputs }}' } }),
      { runId: 'run-1' },
    );
    expect(outputs.all).toStrictEqual({ key: 'run-1/d', run: 'run-1', step: 'd', attempt: 1, left: 600_000, aborted: false });
    expect(progress).toStrictEqual([
      { message: 'half way', data: undefined },
      { message: 'done', data: { n: 1 } },
    ]);
  });
});
