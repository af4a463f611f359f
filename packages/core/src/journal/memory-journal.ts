import { StoreError } from '../errors';
import type { Store } from '../store/types';
import type { LeaseFence, RunJournal, RunRecord, StepRecord } from './types';

/**
 * A journal in memory: for tests and for embedding where durability across
 * process restarts is not needed. Records are copied shallowly in and out;
 * the values inside (the workflow, sealed parameters and outputs) are shared
 * and must not be mutated, which the engine never does: where nothing in them
 * was sealed they are the very objects the engine was given or returned. It keeps no leases,
 * so it ignores fences (a {@link Store} over it, like `MemoryStore`, checks them).
 */
export class MemoryJournal implements RunJournal {
  readonly #runs = new Map<string, RunRecord>();
  readonly #steps = new Map<string, Map<number, StepRecord>>();

  async createRun(run: RunRecord, _fence?: LeaseFence): Promise<void> {
    if (this.#runs.has(run.runId)) throw new StoreError('RUN_EXISTS', `run '${run.runId}' already exists in the journal`);
    this.#runs.set(run.runId, { ...run });
    this.#steps.set(run.runId, new Map());
  }

  async updateRun(runId: string, patch: Partial<RunRecord>, _fence?: LeaseFence): Promise<void> {
    const run = this.#runs.get(runId);
    if (!run) throw new StoreError('RUN_NOT_FOUND', `run '${runId}' not found`);
    Object.assign(run, patch);
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const run = this.#runs.get(runId);
    return run && { ...run };
  }

  async putStep(step: StepRecord, _fence?: LeaseFence): Promise<void> {
    const steps = this.#steps.get(step.runId);
    if (!steps) throw new StoreError('RUN_NOT_FOUND', `run '${step.runId}' not found`);
    steps.set(step.index, { ...step });
  }

  async listSteps(runId: string): Promise<StepRecord[]> {
    const steps = this.#steps.get(runId);
    return steps ? [...steps.values()].sort((a, b) => a.index - b.index).map((s) => ({ ...s })) : [];
  }

  /** Every run id (for tests). */
  runIds(): string[] {
    return [...this.#runs.keys()];
  }
}
