import type { Workflow } from '../model/workflow';
import type { Store } from '../store/types';

/**
 * A JSON value as stored: every sensitive value inside has been replaced by
 * `{ "$sensitive": "<ciphertext>" }` by the engine's encrypter before the
 * journal sees it, so no journal ever holds a secret in clear text.
 */
export type SealedValue = unknown;

/** The status of a run. */
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

/** The status of one step in a run. */
export type StepStatus = 'started' | 'succeeded' | 'skipped' | 'failed';

/** An error as journaled (already redacted). */
export interface JournaledError {
  code: string;
  message: string;
  step?: string;
  path?: string;
  retryable?: boolean;
  /** For a resource's retryable error: when its current streak of retryable failures began (ISO-8601). */
  since?: string;
  /** What the error came from: for a failed step, the step's own error (`K8S_WAIT_TIMEOUT`, ...) and its causes. */
  cause?: JournaledError;
}

/** One run as stored in a journal. */
export interface RunRecord {
  runId: string;
  /** The workflow as it ran, so a resume needs nothing from the caller. */
  workflow: Workflow;
  /** Validated parameters (defaults applied), sealed. */
  parameters: SealedValue;
  /** `resource` and other caller context, sealed. */
  context: SealedValue;
  status: RunStatus;
  /** Outputs once succeeded, sealed. */
  outputs?: SealedValue;
  error?: JournaledError;
  /** Number of times the run was started or resumed. */
  attempt: number;
  createdAt: string;
  updatedAt: string;
}

/** One step of a run as stored. The latest record per step index wins. */
export interface StepRecord {
  runId: string;
  index: number;
  name: string;
  type: string;
  status: StepStatus;
  /** Try number within the current run attempt (1 = first try). */
  attempt: number;
  outputs?: SealedValue;
  /**
   * What the step remembered through `StepContext.remember`, by key, sealed.
   * Kept while the step is started or failed, so its later tries and a
   * resumed run see the same values; dropped once it succeeds.
   */
  memo?: SealedValue;
  error?: JournaledError;
  startedAt: string;
  endedAt?: string;
}

/**
 * Proof that a write comes from the current holder of a resource's lease.
 * Every claim of a resource starts a new lease epoch; a store refuses a write
 * carrying an older epoch, or one whose lease lapsed, with `LEASE_LOST`, so a
 * replica that was paused past its lease (a long GC, a frozen VM) cannot
 * write after another replica took the resource over. The store reads
 * `epoch` at each write: the holder may move it to the epoch of a renewed
 * claim of its own.
 */
export interface LeaseFence {
  /** The resource whose lease the run works under. */
  resourceId: string;
  /** The epoch of the claim that gave the lease (`ResourceRecord.leaseEpoch`). */
  epoch: number;
}

/**
 * Where the engine writes every transition before the next begins. Implement
 * it over any store; `@innominatus/store-sql` provides SQLite and PostgreSQL.
 * Each call must be durable when its promise resolves.
 */
export interface RunJournal {
  /**
   * Creates a run; rejects with a `StoreError` coded `RUN_EXISTS` when `runId` exists.
   * With a `fence`, a journal that keeps leases (every {@link Store}) refuses the write
   * with `LEASE_LOST` unless the fence's lease is still held; a journal without leases ignores it.
   */
  createRun(run: RunRecord, fence?: LeaseFence): Promise<void>;
  /** Updates status, outputs, error, attempt and updatedAt of an existing run; `fence` as for {@link RunJournal.createRun}. */
  updateRun(runId: string, patch: Partial<Pick<RunRecord, 'status' | 'outputs' | 'error' | 'attempt' | 'updatedAt'>>, fence?: LeaseFence): Promise<void>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  /** Writes the record for step `index` of the run, replacing the previous one; `fence` as for {@link RunJournal.createRun}. */
  putStep(step: StepRecord, fence?: LeaseFence): Promise<void>;
  /** The latest record of each step, by index. */
  listSteps(runId: string): Promise<StepRecord[]>;
}
