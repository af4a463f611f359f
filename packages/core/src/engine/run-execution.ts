import type { Scope } from '../expressions/scope';
import { seal, unseal } from '../journal/encrypter';
import type { LeaseFence, RunRecord, StepRecord } from '../journal/types';
import { redact, sensitiveStrings } from '../sensitive/sensitive';
import type { CompiledWorkflow, RunContext } from './compile-workflow';
import { emit, journalWrite, listening, type EngineCore } from './engine-core';
import type { RunResult } from './engine';
import { keptSteps } from './kept-steps';
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
  signal?: AbortSignal;
  pause?: AbortSignal;
  fence?: LeaseFence;
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
  try {
    const scope = openScope(state, start);
    const kept = keptSteps(compiled, start.previous);
    for (const step of compiled.steps) await takeStep(state, scope, step, kept.get(step.index));
    return await finishRun(state, scope);
  } catch (raw) {
    throw await failRun(state, raw);
  }
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
