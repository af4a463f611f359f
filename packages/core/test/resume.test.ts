import { describe, expect, it } from 'vitest';
import { createEngine, defineStep, MemoryJournal, Type, aesGcmEncrypter, reveal, type RunJournal } from '../src/index';
import { workflow } from './helpers';

/** A journal that throws on its Nth write, as a crash there would. */
class FailingJournal extends MemoryJournal {
  writes = 0;
  failAt = Infinity;
  #check(): void {
    this.writes++;
    if (this.writes === this.failAt) throw new Error(`simulated crash at write ${this.writes}`);
  }
  override async createRun(...a: Parameters<RunJournal['createRun']>) {
    this.#check();
    return super.createRun(...a);
  }
  override async updateRun(...a: Parameters<RunJournal['updateRun']>) {
    this.#check();
    return super.updateRun(...a);
  }
  override async putStep(...a: Parameters<RunJournal['putStep']>) {
    this.#check();
    return super.putStep(...a);
  }
}

function counting() {
  const calls: Record<string, number> = {};
  const step = defineStep({
    type: 'count',
    description: 'Counts its runs',
    input: Type.Object({ id: Type.String(), add: Type.Integer() }),
    output: Type.Object({ total: Type.Integer(), secret: Type.String({ 'x-sensitive': true }) }),
    timeout: '5s',
    async run(input) {
      calls[input.id] = (calls[input.id] ?? 0) + 1;
      return { total: input.add * 10, secret: `s-${input.id}` };
    },
  });
  return { step, calls };
}

/** A `maybe` step that records each run's `id` and fails for `id` until `heal()`. */
function failingAt(id: string, message: string) {
  let fail = true;
  const calls: string[] = [];
  const step = defineStep({
    type: 'maybe',
    description: 'fails while told to',
    input: Type.Object({ id: Type.String() }),
    output: Type.Object({}),
    timeout: '5s',
    async run(input) {
      calls.push(input.id);
      if (input.id === id && fail) throw new Error(message);
      return {};
    },
  });
  return { step, calls, heal: () => (fail = false) };
}

const wf = workflow({
  parameters: [{ name: 'base', type: 'integer', default: 1 }],
  steps: [
    { name: 'a', type: 'count', with: { id: 'a', add: '${{ parameters.base }}' } },
    { name: 'b', type: 'count', with: { id: 'b', add: '${{ steps["a"].outputs.total + 1 }}' } },
    { name: 'skipped', type: 'count', if: false, with: { id: 'skipped', add: 0 } },
    { name: 'c', type: 'count', with: { id: 'c', add: '${{ steps["b"].outputs.total + 1 }}' } },
  ],
  outputs: { total: '${{ steps["c"].outputs.total }}', secret: { value: '${{ steps["a"].outputs.secret }}', sensitive: true } },
});

describe('a run interrupted at any journal write resumes to the same outputs', () => {
  const key = 'a'.repeat(64);
  const expected = { total: 1110, secret: 's-a' };

  // The writes of an uninterrupted run: createRun, 2 per executed step (3), 1 skip, the final update.
  it('writes every transition to the journal (9 writes for this workflow)', async () => {
    const journal = new FailingJournal();
    await createEngine({ steps: [counting().step], journal, encrypter: key }).run(wf, { runId: 'x' });
    expect(journal.writes).toBe(9);
  });

  for (let failAt = 1; failAt <= 9; failAt++) {
    it(`crash at write ${failAt}`, async () => {
      const { step, calls } = counting();
      const journal = new FailingJournal();
      journal.failAt = failAt;
      await expect(createEngine({ steps: [step], journal, encrypter: key }).run(wf, { runId: 'r1' })).rejects.toThrow(`simulated crash at write ${failAt}`);
      // A new engine (a new process) with the same journal and key picks the run up.
      const engine = createEngine({ steps: [step], journal, encrypter: key });
      const result =
        failAt === 1
          ? await expect(engine.resume('r1'))
              .rejects.toMatchObject({ code: 'RUN_NOT_FOUND' })
              .then(() => engine.run(wf, { runId: 'r1' }))
          : await engine.resume('r1');
      expect({ total: result.outputs.total, secret: reveal(result.outputs.secret) }).toStrictEqual(expected);
      // A step whose success was journaled never runs again; one interrupted before that runs at most twice.
      for (const id of ['a', 'b', 'c']) expect(calls[id]).toBeLessThanOrEqual(2);
      expect(calls.skipped).toBeUndefined();
      const steps = await journal.listSteps('r1');
      expect(steps.map((s) => `${s.name}:${s.status}`)).toStrictEqual(['a:succeeded', 'b:succeeded', 'skipped:skipped', 'c:succeeded']);
    });
  }

  it('never runs a completed step again', async () => {
    const { step, calls } = counting();
    const journal = new FailingJournal();
    journal.failAt = 5; // putStep(b succeeded) fails: a is done, b ran but its success is not journaled
    await expect(createEngine({ steps: [step], journal, encrypter: key }).run(wf, { runId: 'r' })).rejects.toMatchObject({ code: 'JOURNAL_ERROR' });
    await createEngine({ steps: [step], journal, encrypter: key }).resume('r');
    expect(calls).toStrictEqual({ a: 1, b: 2, c: 1 });
  });

  it('resuming a succeeded run returns its result without running anything', async () => {
    const { step, calls } = counting();
    const engine = createEngine({ steps: [step], encrypter: key });
    await engine.run(wf, { runId: 'done' });
    const again = await engine.resume('done');
    expect(again.outputs.total).toBe(1110);
    expect(calls).toStrictEqual({ a: 1, b: 1, c: 1 });
  });

  it('resumes a failed run from its failed step', async () => {
    const { step, calls, heal } = failingAt('b', 'operator said no');
    const engine = createEngine({ steps: [step] });
    const w = workflow({ steps: ['a', 'b', 'c'].map((id) => ({ name: id, type: 'maybe', with: { id } })) });
    await expect(engine.run(w, { runId: 'f' })).rejects.toMatchObject({ code: 'STEP_FAILED', step: 'b', message: "step 'b' failed: operator said no" });
    heal();
    await engine.resume('f');
    expect(calls).toStrictEqual(['a', 'b', 'b', 'c']);
    expect((await engine.journal.getRun('f'))?.attempt).toBe(2);
  });

  it('resumes from the step a failed step names in resumeFrom, running it and the ones after it again', async () => {
    const { step, calls, heal } = failingAt('wait', 'the object was deleted');
    const engine = createEngine({ steps: [step] });
    const w = workflow({
      steps: [
        { name: 'read', type: 'maybe', with: { id: 'read' } },
        { name: 'apply', type: 'maybe', with: { id: 'apply' } },
        { name: 'wait', type: 'maybe', resumeFrom: 'apply', with: { id: 'wait' } },
        { name: 'after', type: 'maybe', with: { id: 'after' } },
      ],
    });
    await expect(engine.run(w, { runId: 'rf' })).rejects.toMatchObject({ step: 'wait' });
    heal();
    await engine.resume('rf');
    expect(calls).toStrictEqual(['read', 'apply', 'wait', 'apply', 'wait', 'after']);
    expect((await engine.journal.listSteps('rf')).map((s) => `${s.name}:${s.status}`)).toStrictEqual([
      'read:succeeded',
      'apply:succeeded',
      'wait:succeeded',
      'after:succeeded',
    ]);
  });

  it('refuses a resumeFrom that does not name an earlier step, at its field', () => {
    const engine = createEngine({ steps: [counting().step] });
    const steps = (resumeFrom: string) =>
      workflow({
        steps: [
          { name: 'a', type: 'count', with: { id: 'a', add: 1 } },
          { name: 'b', type: 'count', resumeFrom, with: { id: 'b', add: 1 } },
          { name: 'c', type: 'count', with: { id: 'c', add: 1 } },
        ],
      });
    expect(() => engine.compile(steps('c'))).toThrow(
      expect.objectContaining({
        code: 'WORKFLOW_INVALID',
        path: '/steps/1/resumeFrom',
        message: "resumeFrom must name an earlier step: step 'c' comes after it",
      }),
    );
    expect(() => engine.compile(steps('b'))).toThrow(
      expect.objectContaining({ path: '/steps/1/resumeFrom', message: 'resumeFrom must name an earlier step: a step cannot resume from itself' }),
    );
  });

  it('refuses to read sealed values with another key', async () => {
    const { step } = counting();
    const failing = new FailingJournal();
    failing.failAt = 4;
    await expect(createEngine({ steps: [step], journal: failing, encrypter: key }).run(wf, { runId: 'k' })).rejects.toThrow();
    await expect(createEngine({ steps: [step], journal: failing, encrypter: aesGcmEncrypter('b'.repeat(64)) }).resume('k')).rejects.toMatchObject({
      code: 'DECRYPT_FAILED',
    });
  });
});

describe('pausing', () => {
  it('lets the running step finish, stops before the next, and resumes there', async () => {
    const { step, calls } = counting();
    const pause = new AbortController();
    const engine = createEngine({ steps: [step] });
    const paused: string[] = [];
    engine.events.on('run:paused', (e) => paused.push(e.beforeStep));
    engine.events.on('step:succeeded', (e) => {
      if (e.step === 'a') pause.abort();
    });
    await expect(engine.run(wf, { runId: 'p', pause: pause.signal })).rejects.toMatchObject({ code: 'RUN_PAUSED', step: 'b', retryable: true });
    expect(calls).toStrictEqual({ a: 1 });
    expect(paused).toStrictEqual(['b']);
    expect((await engine.journal.getRun('p'))?.status).toBe('running');
    const result = await engine.resume('p');
    expect(result.outputs.total).toBe(1110);
    expect(calls).toStrictEqual({ a: 1, b: 1, c: 1 });
  });
});
