import { defineStep, MemoryJournal, Type, StepFailure, sensitive, type RunJournal, type Workflow } from '../src/index';
import { sleepOn } from '../src/util/clock';

/** Returns its input as outputs. */
export const echo = defineStep({
  type: 'echo',
  description: 'Returns its input',
  input: Type.Object({ value: Type.Optional(Type.Unknown()), values: Type.Optional(Type.Record(Type.String(), Type.Unknown())) }),
  output: Type.Object({ value: Type.Optional(Type.Unknown()), values: Type.Optional(Type.Record(Type.String(), Type.Unknown())) }),
  timeout: '5s',
  async run(input) {
    return input;
  },
});

/** Returns a password, marked sensitive by its output schema. */
export const secretStep = defineStep({
  type: 'secret',
  description: 'Returns a secret',
  input: Type.Object({ password: Type.String() }),
  output: Type.Object({ username: Type.String(), password: Type.String({ 'x-sensitive': true }) }),
  timeout: '5s',
  async run(input, ctx) {
    ctx.logger.info(`read password ${input.password}`, { password: input.password });
    ctx.progress({ message: `got ${input.password}` });
    return { username: 'app', password: input.password };
  },
});

/** A step whose behaviour the test scripts: fail N times, then succeed. */
export function flaky(failures: number, retryable = true) {
  const calls: number[] = [];
  const step = defineStep({
    type: 'flaky',
    description: 'Fails a number of times',
    input: Type.Object({}),
    output: Type.Object({ calls: Type.Integer() }),
    timeout: '5s',
    async run(_input, ctx) {
      calls.push(ctx.attempt);
      if (calls.length <= failures) throw new StepFailure(`transient failure ${calls.length}`, { retryable });
      return { calls: calls.length };
    },
  });
  return { step, calls };
}

/** Waits `ms` on the engine's clock (`ctx.clock`), or until aborted. */
export const sleeper = defineStep({
  type: 'sleep',
  description: 'Sleeps',
  input: Type.Object({ ms: Type.Integer() }),
  output: Type.Object({ slept: Type.Integer() }),
  timeout: '10s',
  async run(input, ctx) {
    await sleepOn(ctx.clock, input.ms, ctx.signal);
    return { slept: input.ms };
  },
});

/** Returns outputs that break its schema. */
export const liar = defineStep({
  type: 'liar',
  description: 'Breaks its output schema',
  input: Type.Object({}),
  output: Type.Object({ count: Type.Integer() }),
  timeout: '5s',
  async run() {
    return { count: 'many' } as unknown as { count: number };
  },
});

export function workflow(partial: Partial<Workflow> & { steps: Workflow['steps'] }): Workflow {
  return { apiVersion: 'innominatus.io/v1', kind: 'Workflow', metadata: { name: 'test' }, ...partial };
}

export { sensitive };

/** A journal that throws on its Nth step write, as a crash there would. */
export class CrashingJournal extends MemoryJournal {
  writes = 0;
  crashAt = Number.POSITIVE_INFINITY;
  override async putStep(...a: Parameters<RunJournal['putStep']>) {
    this.writes++;
    if (this.writes === this.crashAt) throw new Error(`simulated crash at step write ${this.writes}`);
    return super.putStep(...a);
  }
}
