import type { Workflow } from '../model/workflow';

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
 * Where the engine writes every transition before the next begins. Implement
 * it over any store; `@innominatus/store-sql` provides SQLite and PostgreSQL.
 * Each call must be durable when its promise resolves.
 */
export interface RunJournal {
  /** Creates a run; rejects with a `StoreError` coded `RUN_EXISTS` when `runId` exists. */
  createRun(run: RunRecord): Promise<void>;
  /** Updates status, outputs, error, attempt and updatedAt of an existing run. */
  updateRun(runId: string, patch: Partial<Pick<RunRecord, 'status' | 'outputs' | 'error' | 'attempt' | 'updatedAt'>>): Promise<void>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  /** Writes the record for step `index` of the run, replacing the previous one. */
  putStep(step: StepRecord): Promise<void>;
  /** The latest record of each step, by index. */
  listSteps(runId: string): Promise<StepRecord[]>;
}
