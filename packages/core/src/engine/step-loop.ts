import { InnominatusError, StepError } from '../errors';
import type { Scope } from '../expressions/scope';
import { MAX_LIST_LENGTH } from '../expressions/limits';
import { seal, unseal } from '../journal/encrypter';
import type { StepRecord } from '../journal/types';
import { isSensitive, redact, reveal, scrubText, sensitive, sensitiveStrings } from '../sensitive/sensitive';
import { withPosition, type CompiledStep } from './compile-workflow';
import { emit, journalWrite, listening } from './engine-core';
import { isoNow, type RunningStep, type RunState } from './run-state';
import { journaled } from './run-failure';
import { conditionHolds, eventBase, lazyLogger, scrubData, secretsOfStep, throwIfStopped } from './step-execution';
import { createStepMemo } from './step-memo';
import { runStep } from './step-runner';

/** What a forEach step journals while it runs (sealed in its record's memo): each finished iteration's outputs and remembered values. */
interface LoopMemo {
  /** By iteration: its outputs, or `null` when its `if` was false. */
  done: Record<string, Record<string, unknown> | null>;
  /** By iteration: what it remembered through `ctx.remember`. */
  memos: Record<string, Record<string, unknown>>;
}

/**
 * Runs a forEach step: once per item of its list, at most `parallelism` at a
 * time, each iteration reading `item` and `index`. Every finished iteration
 * is journaled (in the step's record, before the next starts), so a resume
 * runs only the iterations that did not finish. The first failure stops new
 * iterations (those running finish) and fails the step. Outputs:
 * `{ items: [outputs of each iteration that ran, in the list's order] }`.
 */
export async function runLoop(state: RunState, scope: Scope, step: CompiledStep, prior: StepRecord | undefined): Promise<void> {
  const { core, runId, fence } = state;
  const name = step.spec.name;
  const type = step.definition.type;
  const list = listOf(state, scope, step);
  const memo: LoopMemo = prior?.memo === undefined ? { done: {}, memos: {} } : (unseal(prior.memo, core.encrypter, runId) as LoopMemo);
  for (const outputs of Object.values(memo.done)) if (outputs) sensitiveStrings(outputs, state.known);
  const current: RunningStep = { name, index: step.index, type, started: Date.now(), attempts: 1, memo: prior?.memo };
  state.current = current;
  const startedAt = isoNow();
  const started: StepRecord = { runId, index: step.index, name, type, status: 'started', attempt: 1, startedAt };
  let writes: Promise<void> = journalWrite(`step '${name}'`, () =>
    core.journal.putStep(current.memo === undefined ? started : { ...started, memo: current.memo }, fence),
  );
  await writes;
  if (listening(core, 'step:started')) emit(core, 'step:started', { ...eventBase(state, step), at: startedAt, attempt: 1 });
  // Journal writes one after the other, each with everything finished so far: of the memo's two maps as they are now,
  // since iterations go on changing them and seal shares what it does not change.
  const persist = (): Promise<void> => {
    current.memo = seal({ done: { ...memo.done }, memos: { ...memo.memos } }, core.encrypter, runId);
    const record = { ...started, memo: current.memo };
    writes = writes.then(() => journalWrite(`step '${name}'`, () => core.journal.putStep(record, fence)));
    return writes;
  };
  const loop: LoopRun = { state, scope, step, list, memo, current, persist };
  await runBounded(
    list.map((_, i) => i).filter((i) => !(i in memo.done)),
    step.loop!.parallelism,
    (i) => runIteration(loop, i),
  );
  const items = list.flatMap((_, i) => (memo.done[i] ? [memo.done[i]] : []));
  const outputs = { items };
  const succeeded: StepRecord = {
    ...started,
    status: 'succeeded',
    attempt: current.attempts,
    outputs: seal(outputs, core.encrypter, runId),
    endedAt: isoNow(),
  };
  await journalWrite(`step '${name}'`, () => core.journal.putStep(succeeded, fence));
  scope.setEntry('steps', name, { outputs, skipped: false });
  if (listening(core, 'step:succeeded')) {
    emit(core, 'step:succeeded', { ...eventBase(state, step), at: isoNow(), outputs: redact(outputs), durationMs: Date.now() - current.started });
  }
  state.current = undefined;
}

/** What the iterations of one forEach step share. */
interface LoopRun {
  state: RunState;
  scope: Scope;
  step: CompiledStep;
  list: readonly unknown[];
  memo: LoopMemo;
  current: RunningStep;
  /** Journals the memo as it is now (writes in order). */
  persist(): Promise<void>;
}

/**
 * Runs iteration `i`: sets `item` and `index`, evaluates `if`, renders the
 * input (all before the first await, so iterations running at once never
 * see each other's item), runs the step and journals its outputs.
 */
async function runIteration(loop: LoopRun, i: number): Promise<void> {
  const { state, scope, step, list, memo, current, persist } = loop;
  const { core, runId } = state;
  const name = step.spec.name;
  throwIfStopped(state, name);
  scope.set('item', list[i]);
  scope.set('index', i);
  if (step.condition && !conditionHolds(state, scope, step)) {
    memo.done[i] = null;
    return persist();
  }
  const input = withPosition(state.compiled.source, () => step.input.render(scope)) as Record<string, unknown>;
  const remembered = memo.memos[i];
  const secrets = secretsOfStep(state.known, input, remembered);
  const outputs = await runStep({
    step,
    runId,
    input,
    iteration: i,
    signal: state.signal,
    logger: lazyLogger(core.logger, secrets, runId, name),
    secrets,
    remember: (key, produce) =>
      createStepMemo(memo.memos[i] ?? {}, (values) => {
        sensitiveStrings(values, secrets);
        sensitiveStrings(values, state.known);
        memo.memos[i] = values;
        return persist();
      }).remember(key, produce),
    onProgress: (p) => {
      if (!listening(core, 'step:progress')) return;
      const message = `item ${i}: ${scrubText(String(p.message), secrets)}`;
      emit(core, 'step:progress', { ...eventBase(state, step), at: isoNow(), message, ...(p.data ? { data: scrubData(p.data, secrets) } : {}) });
    },
    clock: core.clock,
    onRetry: (attempt, delayMs, error) => {
      current.attempts = Math.max(current.attempts, attempt);
      emit(core, 'step:retrying', { ...eventBase(state, step), at: isoNow(), attempt, delayMs, error: journaled(error, name) });
    },
  });
  sensitiveStrings(outputs, state.known);
  memo.done[i] = outputs;
  delete memo.memos[i];
  await persist();
}

/** The step's list, its items sensitive when the whole list is; a value other than a list, or one over the size limit, is a coded error. */
function listOf(state: RunState, scope: Scope, step: CompiledStep): unknown[] {
  const name = step.spec.name;
  const path = `${step.pointer}/forEach`;
  const value = withPosition(state.compiled.source, () => step.loop!.list.render(scope));
  const whole = isSensitive(value);
  const list = whole ? reveal(value) : value;
  if (!Array.isArray(list)) {
    throw withPosition(state.compiled.source, () => {
      throw new StepError('STEP_INPUT_INVALID', name, `step '${name}': forEach must give a list (got ${list === null ? 'null' : typeof list})`, { path });
    });
  }
  if (list.length > MAX_LIST_LENGTH) {
    const limit = MAX_LIST_LENGTH.toLocaleString('en-US');
    throw withPosition(state.compiled.source, () => {
      throw new InnominatusError('EXPRESSION_LIMIT', `step '${name}': forEach gave ${list.length} items, over the limit of ${limit}`, { path });
    });
  }
  return whole ? list.map((v) => sensitive(v)) : list;
}

/**
 * Calls `work` for each index, at most `limit` at a time, in order. After the
 * first failure no further index starts; those running finish, then the
 * first failure is thrown.
 */
async function runBounded(indices: readonly number[], limit: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (!failure && next < indices.length) {
      const i = indices[next++]!;
      try {
        await work(i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, indices.length) }, worker));
  if (failure) throw failure.error;
}
