import type { Scope } from '../expressions/scope';
import { seal, unseal } from '../journal/encrypter';
import type { LeaseFence, RunRecord, StepRecord } from '../journal/types';
import { redact, sensitiveStrings } from '../sensitive/sensitive';
import type { CompiledWorkflow, RunContext } from './compile-workflow';
import { emit, journalWrite, listening, type EngineCore } from './engine-core';
import type { RunResult } from './engine';
import { runCleanup, journaledFailure, resumePlan, type ResumePlan } from './run-cleanup';
import { failRun } from './run-failure';
import { isoNow, type RunState } from './run-state';
import { takeStep } from './step-execution';

/** Where an execution of a run starts: a new run, or a resumed one with its journaled steps. */
export interface RunStart {
  compiled: CompiledWorkflow;
  run: RunRecord;
  /** Unsealed parameters and context when they are already at hand (a new run). */
  values?: { parameters: Record<string, unknown>; context: RunContext };
  previous: StepRecord[];
  resumed: boolean;
  signal: AbortSignal | undefined;
  pause: AbortSignal | undefined;
  fence: LeaseFence | undefined;
}

/**
 * Executes a run whose record is in the journal: evaluates its vars, takes
 * each step in order and records the result; a failure is recorded (see
 * {@link failRun}) and rethrown as a coded error carrying `runId`.
 */
export async function executeRun(core: EngineCore, start: RunStart): Promise<RunResult> {
  const { compiled, run } = start;
  const state: RunState = {
    core,
    compiled,
    runId: run.runId,
    workflow: compiled.workflow.metadata.name,
    startedAt: Date.now(),
    signal: start.signal,
    pause: start.pause,
    fence: start.fence,
    known: new Set(),
    current: undefined,
  };
  const plan = resumePlan(compiled, run, start.previous);
  let scope: Scope;
  try {
    scope = openScope(state, start);
  } catch (raw) {
    throw await failRun(state, raw, undefined);
  }
  // Not awaited here: this frame, which holds the run's record and its first values, ends while the steps run.
  return takeSteps(state, scope, plan);
}

/** Takes the run's steps in order (restoring those a resume kept) and records the result; a failure runs the cleanup. */
async function takeSteps(state: RunState, scope: Scope, plan: ResumePlan): Promise<RunResult> {
  const { compiled } = state;
  try {
    if (plan.unfinishedCleanup) {
      // The run failed and the process stopped during its cleanup: the steps that ran are restored, then the cleanup goes on.
      for (const step of compiled.steps) if (plan.kept.get(step.index)?.status !== 'failed') await restoreStep(state, scope, step, plan.kept.get(step.index));
      throw journaledFailure(plan.unfinishedCleanup.error ?? { code: 'INTERNAL', message: 'the run failed', step: plan.unfinishedCleanup.name });
    }
    for (const step of compiled.steps) await takeStep(state, scope, step, plan.kept.get(step.index));
    return await finishRun(state, scope);
  } catch (raw) {
    throw await failRun(state, raw, compiled.cleanup.length > 0 ? (failure) => runCleanup(state, scope, failure, plan.kept) : undefined);
  }
}

/** Puts a journaled step that succeeded or was skipped back into the scope (a step without such a record did not finish). */
async function restoreStep(state: RunState, scope: Scope, step: CompiledWorkflow['steps'][number], prior: StepRecord | undefined): Promise<void> {
  if (prior?.status === 'succeeded' || prior?.status === 'skipped') await takeStep(state, scope, step, prior);
}

/** The run's scope with its parameters, context and vars; announces the run. */
function openScope(state: RunState, { run, values, resumed }: RunStart): Scope {
  const { core, compiled, runId, known } = state;
  const parameters = values?.parameters ?? (unseal(run.parameters, core.encrypter, runId) as Record<string, unknown>);
  const context = values?.context ?? (unseal(run.context, core.encrypter, runId) as RunContext);
  const scope = compiled.newScope(parameters, context, { id: runId, attempt: run.attempt });
  sensitiveStrings(parameters, known);
  sensitiveStrings(context, known);
  emit(core, 'run:started', { runId, workflow: state.workflow, at: isoNow(), attempt: run.attempt, resumed });
  compiled.evaluateVars(scope);
  sensitiveStrings(scope.get('vars'), known);
  return scope;
}

/** Renders the outputs and records the run as succeeded. */
async function finishRun(state: RunState, scope: Scope): Promise<RunResult> {
  const { core, runId } = state;
  const outputs = state.compiled.renderOutputs(scope);
  await journalWrite('the run result', () =>
    core.journal.updateRun(runId, { status: 'succeeded', outputs: seal(outputs, core.encrypter, runId), updatedAt: isoNow() }, state.fence),
  );
  if (listening(core, 'run:succeeded')) {
    emit(core, 'run:succeeded', { runId, workflow: state.workflow, at: isoNow(), outputs: redact(outputs), durationMs: Date.now() - state.startedAt });
  }
  return { runId, status: 'succeeded', outputs };
}
