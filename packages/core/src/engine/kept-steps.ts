import type { StepRecord } from '../journal/types';
import type { CompiledWorkflow } from './compile-workflow';

/**
 * The journaled steps a resume keeps, by index: every one, except when the
 * step that failed names an earlier step in `resumeFrom`; then none from that
 * step on, so the resume runs it again (e.g. re-applies the object whose
 * wait failed because it was deleted).
 */
export function keptSteps(compiled: CompiledWorkflow, previous: readonly StepRecord[]): Map<number, StepRecord> {
  const kept = new Map(previous.map((s) => [s.index, s]));
  const failed = previous.find((s) => s.status === 'failed');
  const from = failed === undefined ? undefined : compiled.steps[failed.index]?.resumeFromIndex;
  if (from !== undefined) for (const index of [...kept.keys()]) if (index >= from) kept.delete(index);
  return kept;
}
