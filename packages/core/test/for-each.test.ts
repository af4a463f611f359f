import { describe, expect, it } from 'vitest';
import { analyzeWorkflow, createEngine, defineStep, MemoryJournal, reveal, StepRegistry, Type, type StepSpec } from '../src/index';
import { CrashingJournal, workflow } from './helpers';

/**
 * A `visit` step that records each call's `id`, fails for the ids in
 * `failing`, and counts how many calls are in flight at once. A call waits
 * for `release()` when `held` is set, so a test decides when calls finish.
 */
function visitor(failing = new Set<string>()) {
  const calls: string[] = [];
  const gate = { held: false, waiting: [] as Array<{ id: string; go: () => void }>, inFlight: 0, most: 0 };
  const step = defineStep({
    type: 'visit',
    description: 'Visits an item',
    input: Type.Object({ id: Type.String(), secret: Type.Optional(Type.String()) }),
    output: Type.Object({ id: Type.String(), length: Type.Integer() }),
    timeout: '30s',
    async run(input) {
      calls.push(input.id);
      gate.inFlight++;
      gate.most = Math.max(gate.most, gate.inFlight);
      try {
        if (gate.held) await new Promise<void>((go) => gate.waiting.push({ id: input.id, go }));
        if (failing.has(input.id)) throw new Error(`${input.id} was refused`);
        return { id: input.id, length: input.id.length };
      } finally {
        gate.inFlight--;
      }
    },
  });
  /** Lets every call waiting so far finish, or only the one of `id`. */
  const release = (id?: string) => {
    for (const w of gate.waiting.filter((x) => id === undefined || x.id === id)) {
      gate.waiting.splice(gate.waiting.indexOf(w), 1);
      w.go();
    }
  };
  return { step, calls, gate, release };
}

const loop = (extra: Partial<StepSpec> = {}): StepSpec => ({
  name: 'each',
  type: 'visit',
  forEach: '${{ parameters.names }}',
  with: { id: '${{ string(index) + ":" + item }}' },
  retry: { attempts: 1 },
  ...extra,
});

const wf = (extra: Partial<StepSpec> = {}) =>
  workflow({
    parameters: [{ name: 'names', type: 'array', items: { type: 'string' } }],
    steps: [loop(extra)],
    outputs: { ids: '${{ steps.each.outputs.items.map(o, o.id) }}', count: '${{ size(steps.each.outputs.items) }}' },
  });

describe('forEach steps', () => {
  it('run once per item in order, reading item and index, with the outputs of each iteration as items', async () => {
    const { step, calls } = visitor();
    const engine = createEngine({ steps: [step] });
    const result = await engine.run(wf(), { runId: 'r1', parameters: { names: ['a', 'bb', 'ccc'] } });
    expect(calls).toEqual(['0:a', '1:bb', '2:ccc']);
    expect(result.outputs).toEqual({ ids: ['0:a', '1:bb', '2:ccc'], count: 3 });
    const steps = await engine.journal.listSteps('r1');
    expect(steps.map((s) => [s.index, s.name, s.status])).toEqual([[0, 'each', 'succeeded']]);
  });

  it('an empty list succeeds with no items; an iteration whose if is false is left out', async () => {
    const { step, calls } = visitor();
    const engine = createEngine({ steps: [step] });
    expect((await engine.run(wf(), { parameters: { names: [] } })).outputs).toEqual({ ids: [], count: 0 });
    const filtered = await engine.run(wf({ if: '${{ item != "skip" }}' }), { parameters: { names: ['a', 'skip', 'c'] } });
    expect(filtered.outputs).toEqual({ ids: ['0:a', '2:c'], count: 2 });
    expect(calls).toEqual(['0:a', '2:c']);
  });

  it('run at most parallelism iterations at once', async () => {
    const { step, calls, gate, release } = visitor();
    gate.held = true;
    const engine = createEngine({ steps: [step] });
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const running = engine.run(wf({ parallelism: 3 }), { parameters: { names } });
    // Each release lets the calls held finish; the next ones start only then, three at most.
    for (const [seen, inFlight] of [
      [3, 3],
      [6, 3],
      [7, 1],
    ]) {
      await expect.poll(() => calls.length, { timeout: 10_000 }).toBe(seen);
      expect(gate.inFlight).toBe(inFlight);
      release();
    }
    const result = await running;
    expect(gate.most).toBe(3);
    expect(result.outputs).toEqual({ ids: names.map((n, i) => `${i}:${n}`), count: 7 });
  });

  it('one failed iteration fails the step: the ones not started never start, the ones running finish', async () => {
    const { step, calls, gate, release } = visitor(new Set(['1:b']));
    gate.held = true;
    const engine = createEngine({ steps: [step] });
    const running = engine.run(wf({ parallelism: 2 }), { runId: 'r2', parameters: { names: ['a', 'b', 'c', 'd'] } }).catch((e: unknown) => e);
    await expect.poll(() => calls.length, { timeout: 10_000 }).toBe(2);
    // 1:b fails while 0:a is held; 0:a then finishes, and neither 2:c nor 3:d starts.
    release('1:b');
    await expect.poll(() => gate.inFlight, { timeout: 10_000 }).toBe(1);
    release('0:a');
    const err = await running;
    expect(err).toMatchObject({ code: 'STEP_FAILED', step: 'each', message: "step 'each' failed: 1:b was refused" });
    expect(calls).toEqual(['0:a', '1:b']);
    expect((await engine.journal.listSteps('r2')).map((s) => [s.name, s.status])).toEqual([['each', 'failed']]);
  });

  it('a resume after a crash mid-list repeats no finished iteration', async () => {
    const { step, calls } = visitor();
    const journal = new CrashingJournal();
    // Step writes: started; 0:a done; 1:b done; 2:c done (crash).
    journal.crashAt = 4;
    const engine = createEngine({ steps: [step], journal, encrypter: Buffer.alloc(32, 1) });
    const parameters = { names: ['a', 'b', 'c', 'd'] };
    await expect(engine.run(wf(), { runId: 'r3', parameters })).rejects.toMatchObject({ code: 'JOURNAL_ERROR' });
    expect(calls).toEqual(['0:a', '1:b', '2:c']);
    journal.crashAt = Number.POSITIVE_INFINITY;
    const result = await createEngine({ steps: [step], journal, encrypter: Buffer.alloc(32, 1) }).resume('r3');
    expect(calls).toEqual(['0:a', '1:b', '2:c', '2:c', '3:d']);
    expect(result.outputs).toEqual({ ids: ['0:a', '1:b', '2:c', '3:d'], count: 4 });
  });

  it('a resume after a failed iteration runs only the iterations that did not finish', async () => {
    const failing = new Set(['1:b']);
    const { step, calls } = visitor(failing);
    const engine = createEngine({ steps: [step] });
    await expect(engine.run(wf(), { runId: 'r4', parameters: { names: ['a', 'b', 'c'] } })).rejects.toMatchObject({ code: 'STEP_FAILED' });
    failing.clear();
    const result = await engine.resume('r4');
    expect(calls).toEqual(['0:a', '1:b', '1:b', '2:c']);
    expect(result.outputs).toEqual({ ids: ['0:a', '1:b', '2:c'], count: 3 });
  });

  it('a list over the size limit, or a value that is not a list, is a coded error', async () => {
    const { step, calls } = visitor();
    const engine = createEngine({ steps: [step] });
    const over = Array.from({ length: 10_001 }, () => 'x');
    await expect(engine.run(wf(), { parameters: { names: over } })).rejects.toMatchObject({ code: 'EXPRESSION_LIMIT' });
    const dynamic = workflow({ parameters: [{ name: 'cfg', type: 'object' }], steps: [loop({ forEach: '${{ parameters.cfg.names }}' })] });
    await expect(engine.run(dynamic, { parameters: { cfg: { names: 'a' } } })).rejects.toMatchObject({
      code: 'STEP_INPUT_INVALID',
      path: '/steps/0/forEach',
      message: "step 'each': forEach must give a list (got string)",
    });
    expect(calls).toEqual([]);
  });

  it('keeps sensitive items sealed in the journal and out of events and errors', async () => {
    const { step } = visitor(new Set(['hunter3-secret']));
    const journal = new MemoryJournal();
    const seen: string[] = [];
    const engine = createEngine({ steps: [step], journal, encrypter: Buffer.alloc(32, 2) });
    for (const name of ['run:succeeded', 'run:failed', 'step:started', 'step:succeeded', 'step:failed'] as const) {
      engine.events.on(name, ((e: unknown) => seen.push(`${name} ${JSON.stringify(e)}`)) as never);
    }
    const secretWf = workflow({
      parameters: [{ name: 'names', type: 'array', items: { type: 'string' }, sensitive: true }],
      steps: [loop({ with: { id: '${{ item }}' } })],
      outputs: { first: { value: '${{ steps.each.outputs.items[0].id }}', sensitive: true } },
    });
    const ok = await engine.run(secretWf, { runId: 'r5', parameters: { names: ['hunter2-secret'] } });
    expect(reveal(ok.outputs.first)).toBe('hunter2-secret');
    const err = await engine.run(secretWf, { runId: 'r6', parameters: { names: ['hunter3-secret'] } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'STEP_FAILED', message: "step 'each' failed: *** was refused" });
    const stored = JSON.stringify([await journal.getRun('r5'), await journal.listSteps('r5'), await journal.getRun('r6'), await journal.listSteps('r6')]);
    expect(stored).not.toMatch(/hunter[23]-secret/);
    expect(seen.map((e) => e.split(' ')[0])).toEqual(['step:started', 'step:succeeded', 'run:succeeded', 'step:started', 'step:failed', 'run:failed']);
    expect(seen.join('\n')).not.toMatch(/hunter[23]-secret/);
  });
});

describe('the analysis of forEach', () => {
  const registry = new StepRegistry([visitor().step]);
  const issues = (w: unknown) => analyzeWorkflow(w, registry).issues.map((i) => [i.code, i.pointer, i.message]);

  it('types item from the list and the outputs as a list of the iterations outputs', () => {
    expect(issues(wf())).toEqual([]);
    const typed = workflow({
      parameters: [{ name: 'names', type: 'array', items: { type: 'string' } }],
      steps: [loop({ with: { id: '${{ item + 1 }}' } }), { name: 'after', type: 'visit', with: { id: '${{ steps.each.outputs.items[0].nope }}' } }],
    });
    expect(issues(typed)).toEqual([
      [
        'EXPRESSION_TYPE',
        '/steps/0/with/id',
        "expression 'item + 1' does not type-check at character 6: no such overload: string + int; convert the number with string(...) to join it to text",
      ],
      [
        'UNKNOWN_OUTPUT',
        '/steps/1/with/id',
        `'steps["each"].outputs.items["0"].nope': step type 'visit' has no output 'nope' under steps["each"].outputs.items["0"]`,
      ],
    ]);
  });

  it('refuses a list expression of another type, item outside a forEach step and a bad parallelism', () => {
    const bad = workflow({
      parameters: [
        { name: 'names', type: 'array', items: { type: 'string' } },
        { name: 'n', type: 'integer' },
      ],
      steps: [
        loop({ forEach: '${{ parameters.n }}' }),
        { name: 'plain', type: 'visit', with: { id: '${{ item }}' }, parallelism: 2 },
        loop({ name: 'wide', parallelism: 17 }),
      ],
    });
    expect(issues(bad)).toEqual([
      ['FOR_EACH_INVALID', '/steps/0/forEach', "forEach must give a list; 'parameters.n' is of type int"],
      ['FOR_EACH_INVALID', '/steps/1/parallelism', 'parallelism applies only to a step with forEach'],
      ['EXPRESSION_TYPE', '/steps/1/with/id', "expression 'item' does not type-check at character 1: Unknown variable: item"],
      ['WORKFLOW_SCHEMA', '/steps/2/parallelism', 'parallelism must be an integer from 1 to 16 (got 17)'],
    ]);
  });
});

describe('forEach and remembered values', () => {
  it('an iteration resumed after a crash sees the values it remembered; finished ones are not run again', async () => {
    let made = 0;
    const produced: string[] = [];
    const token = defineStep({
      type: 'token',
      description: 'Makes a token once per id',
      input: Type.Object({ id: Type.String() }),
      output: Type.Object({ token: Type.String() }),
      timeout: '5s',
      async run(input, ctx) {
        const value = await ctx.remember('token', () => `${input.id}-${made++}`);
        produced.push(value as string);
        return { token: value as string };
      },
    });
    const journal = new CrashingJournal();
    // Step writes: started; a remembers, a done; b remembers, b done (crash).
    journal.crashAt = 5;
    const tokens = workflow({
      parameters: [{ name: 'names', type: 'array', items: { type: 'string' } }],
      steps: [{ name: 'each', type: 'token', forEach: '${{ parameters.names }}', with: { id: '${{ item }}' }, retry: { attempts: 1 } }],
      outputs: { tokens: '${{ steps.each.outputs.items.map(o, o.token) }}' },
    });
    const engine = createEngine({ steps: [token], journal, encrypter: Buffer.alloc(32, 3) });
    await expect(engine.run(tokens, { runId: 'm1', parameters: { names: ['a', 'b'] } })).rejects.toMatchObject({ code: 'JOURNAL_ERROR' });
    journal.crashAt = Number.POSITIVE_INFINITY;
    const result = await createEngine({ steps: [token], journal, encrypter: Buffer.alloc(32, 3) }).resume('m1');
    expect(result.outputs).toEqual({ tokens: ['a-0', 'b-1'] });
    expect(produced).toEqual(['a-0', 'b-1', 'b-1']);
    expect(made).toBe(2);
  });
});
