import { describe, expect, it, vi } from 'vitest';
import { createEngine, defineStep, InnominatusError, MemoryJournal, StepRegistry, Type, type EngineEvents } from '../src/index';
import { createFakeClock } from '../src/testing/fake-clock';
import { echo, flaky, liar, sleeper, workflow } from './helpers';

const params = [
  { name: 'name', type: 'string' as const, required: true, pattern: '^[a-z][a-z0-9-]*$' },
  { name: 'size', type: 'string' as const, enum: ['small', 'medium', 'large'], default: 'small' },
  { name: 'replicas', type: 'integer' as const, minimum: 1 },
];

describe('parameters', () => {
  const wf = workflow({
    parameters: params,
    vars: { cluster: '${{ "team-" + parameters.name }}' },
    steps: [{ name: 'one', type: 'echo', with: { value: '${{ vars.cluster }}' } }],
    outputs: { size: '${{ parameters.size }}', cluster: '${{ steps["one"].outputs.value }}' },
  });
  const engine = createEngine({ steps: [echo] });

  it('applies defaults', async () => {
    const r = await engine.run(wf, { parameters: { name: 'db' } });
    expect(r.outputs).toStrictEqual({ size: 'small', cluster: 'team-db' });
  });

  it.each([
    [{}, "parameter 'name' is required"],
    [{ name: 'db', size: 'huge' }, 'parameter \'size\' must be one of "small", "medium", "large" (got "huge")'],
    [{ name: 'Bad_Name' }, 'parameter \'name\' must match pattern "^[a-z][a-z0-9-]*$" (got "Bad_Name")'],
    [{ name: 'db', replicas: 0 }, "parameter 'replicas' must be >= 1 (got 0)"],
    [{ name: 'db', replicas: 1.5 }, "parameter 'replicas' must be integer (got 1.5)"],
    [{ name: 'db', colour: 'red' }, "parameter 'colour' is not declared by this workflow"],
  ])('rejects %j', async (input, message) => {
    await expect(engine.run(wf, { parameters: input })).rejects.toMatchObject({ code: 'PARAMETER_INVALID', message });
  });

  it('reports every bad parameter at once', async () => {
    await expect(engine.run(wf, { parameters: { size: 'huge', replicas: 0 } })).rejects.toMatchObject({
      issues: [
        { parameter: 'name', message: 'is required' },
        { parameter: 'size', message: 'must be one of "small", "medium", "large" (got "huge")' },
        { parameter: 'replicas', message: 'must be >= 1 (got 0)' },
      ],
    });
  });
});

describe('vars', () => {
  it('evaluates vars in dependency order', async () => {
    const wf = workflow({
      parameters: [{ name: 'n', type: 'integer' }],
      vars: { c: '${{ vars.b * 10 }}', b: '${{ vars.a + 1 }}', a: '${{ parameters.n }}', table: { small: { cpu: '100m' } } },
      steps: [{ name: 's', type: 'echo', with: { value: '${{ vars.c }}' } }],
      outputs: { c: '${{ vars.c }}', cpu: '${{ vars.table.small.cpu }}' },
    });
    const r = await createEngine({ steps: [echo] }).run(wf, { parameters: { n: 2 } });
    expect(r.outputs).toStrictEqual({ c: 30, cpu: '100m' });
  });

  it('names the loop of a cycle', () => {
    const wf = workflow({ vars: { a: '${{ vars.c }}', b: '${{ vars.a }}', c: '${{ vars.b }}' }, steps: [{ name: 's', type: 'echo' }] });
    expect(() => createEngine({ steps: [echo] }).compile(wf)).toThrowError(
      expect.objectContaining({ code: 'VARS_CYCLE', message: 'vars form a cycle: a -> c -> b -> a' }),
    );
  });
});

describe('steps', () => {
  it('skips a step whose if is false and records it', async () => {
    const journal = new MemoryJournal();
    const wf = workflow({
      parameters: [{ name: 'on', type: 'boolean' }],
      steps: [
        { name: 'maybe', type: 'echo', if: '${{ parameters.on }}', with: { value: 1 } },
        { name: 'after', type: 'echo', with: { value: '${{ steps["maybe"].skipped }}' } },
      ],
      outputs: { skipped: '${{ steps["after"].outputs.value }}' },
    });
    const engine = createEngine({ steps: [echo], journal });
    const off = await engine.run(wf, { parameters: { on: false }, runId: 'off' });
    const on = await engine.run(wf, { parameters: { on: true }, runId: 'on' });
    expect([off.outputs, on.outputs]).toStrictEqual([{ skipped: true }, { skipped: false }]);
    expect((await journal.listSteps('off')).map((s) => s.status)).toStrictEqual(['skipped', 'succeeded']);
  });

  it('times out a step that takes too long: its timeout, on the engine clock, ends it', async () => {
    const clock = createFakeClock();
    const wf = workflow({ steps: [{ name: 'slow', type: 'sleep', timeout: '50ms', with: { ms: 5000 } }] });
    const run = createEngine({ steps: [sleeper], clock }).run(wf);
    run.catch(() => {});
    // The step's 50 ms timeout and its 5 s sleep, both on the fake clock.
    await vi.waitFor(() => expect(clock.pending()).toBe(2), { timeout: 10_000 });
    await clock.advance(49);
    expect(clock.pending()).toBe(2);
    await clock.advance(1);
    await expect(run).rejects.toMatchObject({
      code: 'STEP_TIMEOUT',
      step: 'slow',
      message: "step 'slow' timed out after 50ms",
    });
    // The timeout's abort cleared the sleep: no timer is left behind.
    expect(clock.pending()).toBe(0);
  });

  it('retries a transient failure, then succeeds', async () => {
    const { step, calls } = flaky(2);
    const events: string[] = [];
    const engine = createEngine({ steps: [step] });
    engine.events.on('step:retrying', (e) => events.push(`retry ${e.attempt} after ${e.delayMs}ms: ${e.error.message}`));
    const wf = workflow({
      steps: [{ name: 'f', type: 'flaky', retry: { attempts: 3, backoff: '10ms' } }],
      outputs: { calls: '${{ steps["f"].outputs.calls }}' },
    });
    const r = await engine.run(wf);
    expect(r.outputs).toStrictEqual({ calls: 3 });
    expect(calls).toStrictEqual([1, 2, 3]);
    expect(events).toStrictEqual(["retry 2 after 10ms: step 'f' failed: transient failure 1", "retry 3 after 20ms: step 'f' failed: transient failure 2"]);
  });

  it('fails after the retries are used up', async () => {
    const { step, calls } = flaky(5);
    const wf = workflow({ steps: [{ name: 'f', type: 'flaky', retry: { attempts: 2, backoff: '5ms' } }] });
    await expect(createEngine({ steps: [step] }).run(wf)).rejects.toMatchObject({
      code: 'STEP_FAILED',
      step: 'f',
      retryable: true,
      message: "step 'f' failed: transient failure 2",
    });
    expect(calls).toHaveLength(2);
  });

  it('does not retry a failure that is not transient', async () => {
    const { step, calls } = flaky(1, false);
    const wf = workflow({ steps: [{ name: 'f', type: 'flaky', retry: { attempts: 5, backoff: '5ms' } }] });
    await expect(createEngine({ steps: [step] }).run(wf)).rejects.toMatchObject({ code: 'STEP_FAILED', retryable: false });
    expect(calls).toHaveLength(1);
  });

  it("keeps the step's own error code and its causes, scrubbed, in the run's error and journal", async () => {
    class WaitTimeout extends InnominatusError<'K8S_WAIT_TIMEOUT'> {}
    const failing = defineStep({
      type: 'waits',
      description: 'Times out, having lost its connection',
      timeout: '5s',
      input: Type.Object({ password: Type.String() }),
      output: Type.Object({}),
      async run(input) {
        const low = new Error(`socket closed while sending ${input.password}`);
        throw new WaitTimeout('K8S_WAIT_TIMEOUT', 'timed out after 1s waiting for Running', { cause: low });
      },
    });
    const journal = new MemoryJournal();
    const wf = workflow({
      parameters: [{ name: 'pw', type: 'string', sensitive: true }],
      steps: [{ name: 'w', type: 'waits', with: { password: '${{ parameters.pw }}' } }],
    });
    const err = await createEngine({ steps: [failing], journal })
      .run(wf, { runId: 'c', parameters: { pw: 'hunter2-secret' } })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'STEP_FAILED',
      step: 'w',
      message: "step 'w' failed: timed out after 1s waiting for Running",
      cause: {
        code: 'K8S_WAIT_TIMEOUT',
        message: 'timed out after 1s waiting for Running',
        cause: { code: 'INTERNAL', message: 'socket closed while sending ***' },
      },
    });
    const expected = {
      code: 'STEP_FAILED',
      step: 'w',
      message: "step 'w' failed: timed out after 1s waiting for Running",
      retryable: false,
      cause: {
        code: 'K8S_WAIT_TIMEOUT',
        message: 'timed out after 1s waiting for Running',
        retryable: false,
        cause: { code: 'INTERNAL', message: 'socket closed while sending ***', retryable: false },
      },
    };
    expect((await journal.getRun('c'))?.error).toStrictEqual(expected);
    expect(JSON.stringify(err)).not.toContain('hunter2-secret');
    expect(JSON.parse(JSON.stringify(err))).toMatchObject({ code: 'STEP_FAILED', step: 'w', cause: { code: 'K8S_WAIT_TIMEOUT', cause: { code: 'INTERNAL' } } });
  });

  it('cancels through the signal', async () => {
    const controller = new AbortController();
    const journal = new MemoryJournal();
    const clock = createFakeClock();
    const wf = workflow({ steps: [{ name: 'slow', type: 'sleep', with: { ms: 5000 } }] });
    const running = createEngine({ steps: [sleeper], journal, clock }).run(wf, { runId: 'r', signal: controller.signal });
    running.catch(() => {});
    // Aborted once the step is sleeping (its timeout and its sleep pending on the fake clock).
    await vi.waitFor(() => expect(clock.pending()).toBe(2), { timeout: 10_000 });
    controller.abort();
    await expect(running).rejects.toMatchObject({ code: 'RUN_ABORTED', step: 'slow', runId: 'r' });
    expect((await journal.getRun('r'))?.status).toBe('cancelled');
  });

  it('fails a step whose outputs break its schema', async () => {
    const wf = workflow({ steps: [{ name: 'l', type: 'liar' }] });
    await expect(createEngine({ steps: [liar] }).run(wf)).rejects.toMatchObject({
      code: 'STEP_OUTPUT_INVALID',
      message: "step 'l' (liar) returned outputs that break its schema: /count must be integer",
    });
  });

  it('validates the rendered input before running', async () => {
    // An object parameter's fields are of no declared type: only the rendered value can be checked.
    const wf = workflow({ parameters: [{ name: 'cfg', type: 'object' }], steps: [{ name: 's', type: 'sleep', with: { ms: '${{ parameters.cfg.ms }}' } }] });
    await expect(createEngine({ steps: [sleeper] }).run(wf, { parameters: { cfg: { ms: 'soon' } } })).rejects.toMatchObject({
      code: 'STEP_INPUT_INVALID',
      path: '/steps/0/with',
      message: "step 's' (sleep): invalid input: /ms must be integer",
    });
  });

  it('rejects unknown step types and forward step references when compiling', () => {
    const engine = createEngine({ steps: [echo] });
    expect(() => engine.compile(workflow({ steps: [{ name: 'x', type: 'nope' }] }))).toThrowError(
      expect.objectContaining({ code: 'STEP_UNKNOWN', path: '/steps/0/type', message: "unknown step type 'nope' (known: echo)" }),
    );
    expect(() =>
      engine.compile(
        workflow({
          steps: [
            { name: 'a', type: 'echo', with: { value: '${{ steps["b"].outputs.value }}' } },
            { name: 'b', type: 'echo' },
          ],
        }),
      ),
    ).toThrowError(expect.objectContaining({ code: 'WORKFLOW_INVALID', path: '/steps/0/with/value' }));
  });
});

describe('events', () => {
  it('mirror every transition in order', async () => {
    const engine = createEngine({ steps: [echo] });
    const seen: string[] = [];
    for (const name of ['run:started', 'run:succeeded', 'step:started', 'step:succeeded', 'step:skipped'] as Array<keyof EngineEvents>) {
      engine.events.on(name, ((e: { step?: string }) => seen.push(e.step ? `${name} ${e.step}` : name)) as never);
    }
    await engine.run(
      workflow({
        steps: [
          { name: 'a', type: 'echo' },
          { name: 'b', type: 'echo', if: false },
        ],
      }),
    );
    expect(seen).toStrictEqual(['run:started', 'step:started a', 'step:succeeded a', 'step:skipped b', 'run:succeeded']);
  });
});

describe('registry', () => {
  it('refuses a step type registered twice', () => {
    expect(() => new StepRegistry([echo, echo])).toThrowError("step type 'echo' is already registered");
  });
});
