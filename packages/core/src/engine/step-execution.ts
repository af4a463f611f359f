import { StepError } from '../errors';
import type { Scope } from '../expressions/scope';
import { seal, unseal } from '../journal/encrypter';
import type { StepRecord } from '../journal/types';
import { redact, reveal, scrubText, scrubValue, sensitiveStrings } from '../sensitive/sensitive';
import type { Logger } from '../util/logger';
import { withPosition, type CompiledStep } from './compile-workflow';
import { emit, journalWrite, listening } from './engine-core';
import { redactingLogger } from './redacting-logger';
import { journaled } from './run-failure';
import { isoNow, type RunningStep, type RunState } from './run-state';
import { createStepMemo, type StepMemo } from './step-memo';
import { runLoop } from './step-loop';
import { runStep } from './step-runner';

/**
 * Takes one step of a run: a step the journal kept (a resume) is restored;
 * otherwise the run stops here if cancelled or paused, a step whose `if` is
 * false is skipped, and any other step runs. A step that fails, even before
 * it started (its `if`, list or input), is left as the run's current step,
 * so its failure is recorded (attempt 0 when it never started).
 */
export async function takeStep(state: RunState, scope: Scope, step: CompiledStep, prior: StepRecord | undefined): Promise<void> {
  const name = step.spec.name;
  if (prior?.status === 'succeeded') {
    const restored = unseal(prior.outputs ?? {}, state.core.encrypter, state.runId);
    sensitiveStrings(restored, state.known);
    scope.setEntry('steps', name, { outputs: restored, skipped: false });
    return;
  }
  if (prior?.status === 'skipped') {
    scope.setEntry('steps', name, { outputs: {}, skipped: true });
    return;
  }
  throwIfStopped(state, name);
  let holds = true;
  try {
    if (step.loop) return await runLoop(state, scope, step, prior);
    holds = !step.condition || conditionHolds(state, scope, step);
    if (holds) await executeStep(state, scope, step, prior);
  } catch (err) {
    // A step that fails before it starts (its `if`, its forEach list, its input) is a failed step like one that fails running.
    state.current ??= { name, index: step.index, type: step.definition.type, started: Date.now(), attempts: 0, memo: prior?.memo };
    throw err;
  }
  // Outside the try: a skipped step whose record cannot be written did not fail.
  if (!holds) await skipStep(state, scope, step);
}

export function throwIfStopped(state: RunState, name: string): void {
  const { runId } = state;
  if (state.signal?.aborted) throw new StepError('RUN_ABORTED', name, `run '${runId}' was cancelled before step '${name}'`);
  if (state.pause?.aborted)
    throw new StepError('RUN_PAUSED', name, `run '${runId}' was paused before step '${name}'; resume it to continue`, { retryable: true });
}

export function conditionHolds(state: RunState, scope: Scope, step: CompiledStep): boolean {
  const { source } = state.compiled;
  const cond = reveal(withPosition(source, () => step.condition!.render(scope)));
  if (typeof cond !== 'boolean') {
    const name = step.spec.name;
    throw withPosition(source, () => {
      throw new StepError('STEP_INPUT_INVALID', name, `step '${name}': 'if' must give true or false (got ${typeof cond})`, {
        path: `${step.pointer}/if`,
      });
    });
  }
  return cond;
}

async function skipStep(state: RunState, scope: Scope, step: CompiledStep): Promise<void> {
  const { core, runId } = state;
  const name = step.spec.name;
  const type = step.definition.type;
  await journalWrite(`step '${name}'`, () =>
    core.journal.putStep({ runId, index: step.index, name, type, status: 'skipped', attempt: 0, startedAt: isoNow(), endedAt: isoNow() }, state.fence),
  );
  scope.setEntry('steps', name, { outputs: {}, skipped: true });
  emit(core, 'step:skipped', { runId, workflow: state.workflow, step: name, type, index: step.index, at: isoNow(), reason: "'if' was false" });
}

/** Renders the step's input, journals its start, runs it, journals its outputs and puts them in the scope. */
async function executeStep(state: RunState, scope: Scope, step: CompiledStep, prior: StepRecord | undefined): Promise<void> {
  const { core, runId, fence } = state;
  const name = step.spec.name;
  const type = step.definition.type;
  const input = withPosition(state.compiled.source, () => step.input.render(scope)) as Record<string, unknown>;
  const current: RunningStep = { name, index: step.index, type, started: Date.now(), attempts: 1, memo: prior?.memo };
  state.current = current;
  const startedAt = isoNow();
  const started: StepRecord = { runId, index: step.index, name, type, status: 'started', attempt: 1, startedAt };
  // What the step remembered in an earlier attempt of this run stays, so a resumed step sees the same values.
  const remembered = prior?.memo === undefined ? undefined : (unseal(prior.memo, core.encrypter, runId) as Record<string, unknown>);
  const secrets = secretsOfStep(state.known, input, remembered);
  await journalWrite(`step '${name}'`, () => core.journal.putStep(current.memo === undefined ? started : { ...started, memo: current.memo }, fence));
  if (listening(core, 'step:started')) emit(core, 'step:started', { ...eventBase(state, step), at: startedAt, attempt: 1 });
  // Methods rather than arrow properties: see the step context in runStep.
  const outputs = await runStep({
    step,
    runId,
    input,
    signal: state.signal,
    logger: lazyLogger(core.logger, secrets, runId, name),
    secrets,
    remember: lazyMemo(state, current, started, remembered, secrets),
    onProgress(p) {
      if (!listening(core, 'step:progress')) return;
      emit(core, 'step:progress', {
        ...eventBase(state, step),
        at: isoNow(),
        message: scrubText(String(p.message), secrets),
        ...(p.data ? { data: scrubData(p.data, secrets) } : {}),
      });
    },
    clock: core.clock,
    onRetry(attempt, delayMs, error) {
      current.attempts = attempt;
      emit(core, 'step:retrying', { ...eventBase(state, step), at: isoNow(), attempt, delayMs, error: journaled(error, name) });
    },
  });
  const succeeded: StepRecord = {
    runId,
    index: step.index,
    name,
    type,
    status: 'succeeded',
    attempt: current.attempts,
    outputs: seal(outputs, core.encrypter, runId),
    startedAt,
    endedAt: isoNow(),
  };
  await journalWrite(`step '${name}'`, () => core.journal.putStep(succeeded, fence));
  sensitiveStrings(outputs, state.known);
  scope.setEntry('steps', name, { outputs, skipped: false });
  if (listening(core, 'step:succeeded')) {
    emit(core, 'step:succeeded', { ...eventBase(state, step), at: isoNow(), outputs: redact(outputs), durationMs: Date.now() - current.started });
  }
  state.current = undefined;
}

/**
 * The secrets to scrub from what a step says: the run's known ones and those
 * of its input and remembered values. The run's set itself when the step adds
 * none (no copy per step); a value the step remembers later joins both.
 */
export function secretsOfStep(known: Set<string>, input: Record<string, unknown>, remembered: Record<string, unknown> | undefined): Set<string> {
  const own = sensitiveStrings(input);
  if (remembered) sensitiveStrings(remembered, own);
  if (own.size === 0) return known;
  const all = new Set(known);
  for (const s of own) all.add(s);
  return all;
}

/** The step's redacting logger, made once on first use (most steps never log). */
export function lazyLogger(inner: Logger, secrets: Set<string>, runId: string, step: string): () => Logger {
  let logger: Logger | undefined;
  return () => (logger ??= redactingLogger(inner, secrets, { runId, step }));
}

/** Backs `ctx.remember`: the step's memo, made on the first call; every value set is journaled before the step gets it. */
function lazyMemo(
  state: RunState,
  current: RunningStep,
  started: StepRecord,
  remembered: Record<string, unknown> | undefined,
  secrets: Set<string>,
): StepMemo['remember'] {
  let memo: StepMemo | undefined;
  return (key, produce) => {
    memo ??= createStepMemo(remembered ?? {}, async (values) => {
      sensitiveStrings(values, secrets);
      sensitiveStrings(values, state.known);
      current.memo = seal(values, state.core.encrypter, state.runId);
      await journalWrite(`step '${current.name}'`, () =>
        state.core.journal.putStep({ ...started, attempt: current.attempts, memo: current.memo }, state.fence),
      );
    });
    return memo.remember(key, produce);
  };
}

export function eventBase(state: RunState, step: CompiledStep) {
  return { runId: state.runId, workflow: state.workflow, step: step.spec.name, type: step.definition.type, index: step.index };
}

export function scrubData(data: Record<string, unknown>, secrets: Set<string>): Record<string, unknown> {
  const v = scrubValue(data, secrets);
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v };
}
