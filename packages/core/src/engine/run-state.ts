import type { LeaseFence } from '../journal/types';
import type { CompiledWorkflow } from './compile-workflow';
import type { EngineCore } from './engine-core';

/** One run in progress: what its steps share. */
export interface RunState {
  readonly core: EngineCore;
  readonly compiled: CompiledWorkflow;
  readonly runId: string;
  /** The workflow's name, as events carry it. */
  readonly workflow: string;
  /** When this execution began (ms since the epoch). */
  readonly startedAt: number;
  /** Aborting it cancels the run at once. */
  readonly signal: AbortSignal | undefined;
  /** Aborting it stops the run before its next step. */
  readonly pause: AbortSignal | undefined;
  /** Carried by every journal write of the run. */
  readonly fence: LeaseFence | undefined;
  /** Secrets known so far, grown as vars and step outputs arrive (for scrubbing free text). */
  readonly known: Set<string>;
  /** The step running now, for its failure record; unset between steps. */
  current: RunningStep | undefined;
}

/** The step a run is in. */
export interface RunningStep {
  readonly name: string;
  readonly index: number;
  readonly type: string;
  /** When it started (ms since the epoch). */
  readonly started: number;
  /** The try in progress (1 until a retry). */
  attempts: number;
  /** The step's remembered values as journaled, kept in its failure record for a resume. */
  memo: unknown;
}

let lastMs = Number.NaN;
let lastIso = '';

/** The current time as an ISO string (journal records and events); formatted once per millisecond. */
export function isoNow(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}
