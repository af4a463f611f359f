import { InnominatusError } from '../errors';
import type { Scope } from '../expressions/scope';
import type { JournaledError, RunRecord, StepRecord } from '../journal/types';
import type { CompiledWorkflow } from './compile-workflow';
import { keptSteps } from './kept-steps';
import { failStep } from './run-failure';
import type { RunState } from './run-state';
import { takeStep } from './step-execution';

/** Codes that stop a cleanup instead of being one failed cleanup step among others. */
const STOPPING = new Set(['RUN_ABORTED', 'RUN_PAUSED', 'LEASE_LOST', 'JOURNAL_ERROR']);

/**
 * Runs the `onFailure` steps of a failed run in order, with `failure` (the
 * failed step, the error's code and scrubbed message) in scope. Each is
 * journaled like any step, and one the journal kept (a resume) is not run
 * again. A cleanup step that fails is recorded and the next one still runs;
 * a cancel, pause, lost lease or journal failure stops the cleanup (thrown).
 */
export async function runCleanup(state: RunState, scope: Scope, failure: JournaledError, kept: ReadonlyMap<number, StepRecord>): Promise<void> {
  scope.set('failure', { step: failure.step ?? '', code: failure.code, message: failure.message });
  for (const step of state.compiled.cleanup) {
    try {
      await takeStep(state, scope, step, kept.get(step.index));
    } catch (raw) {
      if (InnominatusError.is(raw) && STOPPING.has(raw.code)) throw raw;
      await failStep(state, raw);
    }
  }
}

/** How a run goes on from its journal: the steps kept, and the recorded failure whose cleanup did not finish. */
export interface ResumePlan {
  kept: Map<number, StepRecord>;
  /** The failed step's record, when the run failed and its cleanup was cut short: the cleanup goes on and the run fails. */
  unfinishedCleanup?: StepRecord;
}

/**
 * What a run keeps of its journal. Without `onFailure` steps: {@link keptSteps}.
 * With them: a failed step recorded while the run is still `running` means
 * the process stopped during the cleanup, which goes on without repeating
 * the cleanup steps done since that failure; a run whose cleanup ran starts
 * over from its first step (the cleanup undid what the steps had done).
 */
export function resumePlan(compiled: CompiledWorkflow, run: RunRecord, previous: readonly StepRecord[]): ResumePlan {
  const n = compiled.steps.length;
  if (compiled.cleanup.length === 0 || previous.length === 0) return { kept: keptSteps(compiled, previous) };
  const failed = previous.find((r) => r.index < n && r.status === 'failed');
  if (failed && run.status === 'running') {
    const since = failed.endedAt ?? failed.startedAt;
    const kept = new Map(previous.filter((r) => r.index < n || r.startedAt >= since).map((r) => [r.index, r]));
    return { kept, unfinishedCleanup: failed };
  }
  const cleaned = previous.some((r) => r.index >= n && (r.status === 'succeeded' || r.status === 'failed'));
  return { kept: cleaned ? new Map() : keptSteps(compiled, previous) };
}

/** The recorded failure as an error again (code, message, step, path and causes as journaled). */
export function journaledFailure(record: JournaledError): InnominatusError<string> {
  const err = new InnominatusError(record.code, record.message, {
    retryable: record.retryable === true,
    path: record.path,
    cause: record.cause && journaledFailure(record.cause),
  });
  if (record.step !== undefined) Object.defineProperty(err, 'step', { value: record.step, enumerable: true });
  return err;
}
