import { describe, expect, it } from 'vitest';
import { analyzeWorkflow, createEngine, defineStep, StepRegistry, Type, type StepSpec } from '../src/index';
import { CrashingJournal, workflow } from './helpers';

/** A `record` step that records each call's `id` (and `note`), failing for the ids in `failing`. */
function recorder(failing: Set<string>) {
  const calls: Array<{ id: string; note?: string }> = [];
  const step = defineStep({
    type: 'record',
    description: 'Records its calls',
    input: Type.Object({ id: Type.String(), note: Type.Optional(Type.String()) }),
    output: Type.Object({ id: Type.String() }),
    timeout: '5s',
    async run(input) {
      calls.push(input.note === undefined ? { id: input.id } : { id: input.id, note: input.note });
      if (failing.has(input.id)) throw new Error(`${input.id} was refused`);
      return { id: input.id };
    },
  });
  return { step, calls };
}

const r = (id: string, extra: Partial<StepSpec> = {}): StepSpec => ({ name: id, type: 'record', with: { id }, retry: { attempts: 1 }, ...extra });

const wf = workflow({
  steps: [r('make-secret'), r('apply'), r('never')],
  onFailure: [
    r('remove-secret', {
      if: '${{ steps["make-secret"].outputs.id == "make-secret" }}',
      with: { id: 'remove-secret', note: '${{ failure.step + ": " + failure.code }}' },
    }),
    r('report', { with: { id: 'report', note: '${{ failure.message }}' } }),
  ],
});

describe('onFailure steps', () => {
  it('run in order when a step fails, read the failed step and error, and the run still fails with the original error', async () => {
    const { step, calls } = recorder(new Set(['apply']));
    const engine = createEngine({ steps: [step] });
    const err = await engine.run(wf, { runId: 'r1' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'STEP_FAILED', step: 'apply', runId: 'r1' });
    expect(calls).toEqual([
      { id: 'make-secret' },
      { id: 'apply' },
      { id: 'remove-secret', note: 'apply: STEP_FAILED' },
      { id: 'report', note: "step 'apply' failed: apply was refused" },
    ]);
    const steps = await engine.journal.listSteps('r1');
    expect(steps.map((s) => [s.index, s.name, s.status])).toEqual([
      [0, 'make-secret', 'succeeded'],
      [1, 'apply', 'failed'],
      [3, 'remove-secret', 'succeeded'],
      [4, 'report', 'succeeded'],
    ]);
    expect(await engine.journal.getRun('r1')).toMatchObject({ status: 'failed', error: { code: 'STEP_FAILED', step: 'apply' } });
  });

  it('do not run when the run succeeds; a failing cleanup step is recorded and the next one still runs', async () => {
    const ok = recorder(new Set());
    expect((await createEngine({ steps: [ok.step] }).run(wf)).status).toBe('succeeded');
    expect(ok.calls.map((c) => c.id)).toEqual(['make-secret', 'apply', 'never']);

    const bad = recorder(new Set(['apply', 'remove-secret']));
    const engine = createEngine({ steps: [bad.step] });
    const err = await engine.run(wf, { runId: 'r2' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'STEP_FAILED', step: 'apply' });
    expect(bad.calls.map((c) => c.id)).toEqual(['make-secret', 'apply', 'remove-secret', 'report']);
    expect((await engine.journal.listSteps('r2')).map((s) => [s.name, s.status])).toEqual([
      ['make-secret', 'succeeded'],
      ['apply', 'failed'],
      ['remove-secret', 'failed'],
      ['report', 'succeeded'],
    ]);
  });

  it('a crash during the cleanup resumes it without repeating the cleanup steps done, and the run fails with the original error', async () => {
    const { step, calls } = recorder(new Set(['apply']));
    const journal = new CrashingJournal();
    // Step writes: make-secret started, succeeded; apply started, failed; remove-secret started, succeeded; report started (crash).
    journal.crashAt = 7;
    const engine = createEngine({ steps: [step], journal, encrypter: Buffer.alloc(32, 1) });
    await expect(engine.run(wf, { runId: 'r3' })).rejects.toMatchObject({ code: 'JOURNAL_ERROR' });
    expect((await journal.getRun('r3'))!.status).toBe('running');
    journal.crashAt = Number.POSITIVE_INFINITY;
    const again = createEngine({ steps: [step], journal, encrypter: Buffer.alloc(32, 1) });
    const err = await again.resume('r3').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'STEP_FAILED', step: 'apply', message: "step 'apply' failed: apply was refused" });
    expect(calls.map((c) => c.id)).toEqual(['make-secret', 'apply', 'remove-secret', 'report']);
    expect(await journal.getRun('r3')).toMatchObject({ status: 'failed', attempt: 2, error: { code: 'STEP_FAILED', step: 'apply' } });
  });

  it('a resume of a run whose cleanup ran starts over from the first step (the cleanup undid it)', async () => {
    const failing = new Set(['apply']);
    const { step, calls } = recorder(failing);
    const engine = createEngine({ steps: [step] });
    await expect(engine.run(wf, { runId: 'r4' })).rejects.toMatchObject({ code: 'STEP_FAILED' });
    failing.clear();
    expect((await engine.resume('r4')).status).toBe('succeeded');
    expect(calls.map((c) => c.id)).toEqual(['make-secret', 'apply', 'remove-secret', 'report', 'make-secret', 'apply', 'never']);
  });

  it('the analysis types failure, lets cleanup steps read every step, and refuses what does not fit', () => {
    const registry = new StepRegistry([recorder(new Set()).step]);
    const issues = (w: unknown) => analyzeWorkflow(w, registry).issues.map((i) => [i.code, i.pointer, i.message]);
    expect(issues(wf)).toEqual([]);
    expect(
      issues(
        workflow({
          steps: [r('a', { with: { id: '${{ failure.step }}' } }), r('b', { with: { id: '${{ steps.c.outputs.id }}' } })],
          onFailure: [r('c', { with: { id: '${{ failure.code + 1 }}' } }), r('d', { with: { id: '${{ failure.stepName }}' }, resumeFrom: 'a' }), r('a')],
        }),
      ),
    ).toEqual([
      ['DUPLICATE_STEP', '/onFailure/2/name', "step name 'a' is already used by step 1"],
      ['EXPRESSION_TYPE', '/steps/0/with/id', "expression 'failure.step' does not type-check at character 1: Unknown variable: failure"],
      ['FORWARD_STEP_REFERENCE', '/steps/1/with/id', `'steps["c"].outputs.id' reads step 'c', which runs later; a step can only read earlier steps`],
      [
        'EXPRESSION_TYPE',
        '/onFailure/0/with/id',
        "expression 'failure.code + 1' does not type-check at character 14: no such overload: string + int; convert the number with string(...) to join it to text",
      ],
      ['UNKNOWN_REFERENCE', '/onFailure/1/with/id', "'failure.stepName': failure has no field 'stepName' (fields: step, code, message)"],
      ['RESUME_FROM_INVALID', '/onFailure/1/resumeFrom', 'an onFailure step runs once the run has failed: it cannot resume from a step'],
    ]);
    expect(issues({ ...wf, outputs: { cleaned: '${{ steps.report.outputs.id }}' } })).toEqual([
      [
        'FORWARD_STEP_REFERENCE',
        '/outputs/cleaned',
        `'steps["report"].outputs.id' reads onFailure step 'report': outputs are rendered when the run succeeds, and onFailure steps run only when it fails`,
      ],
    ]);
  });
});

describe('onFailure steps at run time', () => {
  it('are recorded when they fail before they start, at their own place in the document (/onFailure/N/if)', async () => {
    // The output is `unknown`, so the analysis cannot see that the condition is not a bool.
    const echo = defineStep({
      type: 'echo',
      description: 'Returns its value',
      input: Type.Object({ value: Type.Unknown() }),
      output: Type.Object({ value: Type.Unknown() }),
      timeout: '5s',
      async run(input) {
        return { value: input.value };
      },
    });
    const failing = recorder(new Set(['apply']));
    const engine = createEngine({ steps: [echo, failing.step] });
    // A step of the steps that fails before it starts is recorded as failed too (attempt 0: it never ran).
    const early = workflow({ steps: [{ name: 'count', type: 'echo', with: { value: 3 } }, r('apply', { if: '${{ steps.count.outputs.value }}' })] });
    await expect(engine.run(early, { runId: 'r6' })).rejects.toMatchObject({ code: 'STEP_INPUT_INVALID', path: '/steps/1/if' });
    expect((await engine.journal.listSteps('r6')).map((s) => [s.name, s.status, s.attempt, s.error?.path])).toEqual([
      ['count', 'succeeded', 1, undefined],
      ['apply', 'failed', 0, '/steps/1/if'],
    ]);

    const doc = workflow({
      steps: [{ name: 'count', type: 'echo', with: { value: 3 } }, r('apply')],
      onFailure: [r('report', { if: '${{ steps.count.outputs.value }}' }), r('after')],
    });
    await expect(engine.run(doc, { runId: 'r5' })).rejects.toMatchObject({ code: 'STEP_FAILED', step: 'apply' });
    const report = (await engine.journal.listSteps('r5')).find((s) => s.name === 'report');
    expect(report).toMatchObject({
      index: 2,
      status: 'failed',
      error: { code: 'STEP_INPUT_INVALID', path: '/onFailure/0/if', message: "step 'report': 'if' must give true or false (got number)" },
    });
    expect(failing.calls.map((c) => c.id)).toEqual(['apply', 'after']);
  });
});
