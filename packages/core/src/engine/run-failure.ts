import { InnominatusError, type StepError } from '../errors';
import type { JournaledError } from '../journal/types';
import { scrubText } from '../sensitive/sensitive';
import { emit } from './engine-core';
import { isoNow, type RunningStep, type RunState } from './run-state';

/**
 * Records a run's failure: the running step's `failed` record and the run's
 * status in the journal (unless the run was paused, lost its lease, or the
 * journal itself failed), then `step:failed` and `run:failed` or
 * `run:paused`. With `cleanup` (the workflow's `onFailure` steps), it runs
 * between the step's record and the run's, unless the run was cancelled; what
 * stops the cleanup (a pause, a lost lease, the journal) is then the run's
 * end. Returns the coded, scrubbed error to throw, carrying `runId`.
 */
export async function failRun(state: RunState, raw: unknown, cleanup?: (failure: JournaledError) => Promise<void>): Promise<InnominatusError<string>> {
  const { core, runId } = state;
  const { err, record } = await failStep(state, raw);
  Object.defineProperty(err, 'runId', { value: runId, enumerable: true, configurable: true });
  const final = isFinal(err.code);
  if (final && cleanup && err.code !== 'RUN_ABORTED') {
    try {
      await cleanup(record);
    } catch (stop) {
      return failRun(state, stop);
    }
  }
  // A paused run stays as the journal has it, ready to resume; a run whose lease was lost is the new holder's to record.
  if (final) await recordRun(state, err, record);
  if (err.code === 'RUN_PAUSED') {
    emit(core, 'run:paused', { runId, workflow: state.workflow, at: isoNow(), beforeStep: (err as StepError).step, durationMs: Date.now() - state.startedAt });
  } else {
    emit(core, 'run:failed', { runId, workflow: state.workflow, at: isoNow(), error: record, durationMs: Date.now() - state.startedAt });
  }
  return err;
}

function isFinal(code: string): boolean {
  return code !== 'JOURNAL_ERROR' && code !== 'RUN_PAUSED' && code !== 'LEASE_LOST';
}

/**
 * Records the failure of the running step, if any (its `failed` record, then
 * `step:failed`), and leaves the run between steps. Returns the coded,
 * scrubbed error and its journaled form.
 */
export async function failStep(state: RunState, raw: unknown): Promise<{ err: InnominatusError<string>; record: JournaledError }> {
  const { core, runId, current, known } = state;
  const err = normalize(raw, known);
  const record = journaled(err, current?.name);
  if (current) {
    if (isFinal(err.code)) await recordStep(state, current, record);
    emit(core, 'step:failed', {
      runId,
      workflow: state.workflow,
      step: current.name,
      type: current.type,
      index: current.index,
      at: isoNow(),
      error: record,
      durationMs: Date.now() - current.started,
    });
  }
  state.current = undefined;
  return { err, record };
}

/** Writes the step's failure to the journal; a journal that fails here is logged, not thrown (the run's own error is what matters). */
async function recordStep(state: RunState, current: RunningStep, record: JournaledError): Promise<void> {
  await logged(state, () =>
    state.core.journal.putStep(
      {
        runId: state.runId,
        index: current.index,
        name: current.name,
        type: current.type,
        status: 'failed',
        attempt: current.attempts,
        error: record,
        ...(current.memo === undefined ? {} : { memo: current.memo }),
        startedAt: new Date(current.started).toISOString(),
        endedAt: isoNow(),
      },
      state.fence,
    ),
  );
}

async function recordRun(state: RunState, err: InnominatusError<string>, record: JournaledError): Promise<void> {
  await logged(state, () =>
    state.core.journal.updateRun(state.runId, { status: err.code === 'RUN_ABORTED' ? 'cancelled' : 'failed', error: record, updatedAt: isoNow() }, state.fence),
  );
}

async function logged(state: RunState, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (journalErr) {
    state.core.logger.error('could not record the failure in the run journal', {
      runId: state.runId,
      error: scrubText(String((journalErr as Error)?.message ?? journalErr), state.known),
    });
  }
}

function normalize(err: unknown, secrets: Set<string>): InnominatusError<string> {
  if (InnominatusError.is(err)) {
    const scrubbed = scrubText(err.message, secrets);
    if (scrubbed !== err.message) Object.defineProperty(err, 'message', { value: scrubbed, configurable: true, writable: true });
    return err;
  }
  const message = err instanceof Error ? err.message : String(err);
  return new InnominatusError('INTERNAL', scrubText(message, secrets));
}

/** An error as the journal and events keep it: code, message, retryable, step, path and the chain of coded causes. */
export function journaled(err: InnominatusError<string>, step: string | undefined): JournaledError {
  const e: JournaledError = { code: err.code, message: err.message, retryable: err.retryable };
  const s = (err as { step?: string }).step ?? step;
  if (s) e.step = s;
  if (err.path) e.path = err.path;
  // StepErrors carry the step's own error as a scrubbed chain of coded errors (see causeChain).
  if (InnominatusError.is(err.cause)) e.cause = journaled(err.cause, undefined);
  return e;
}
