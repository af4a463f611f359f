import type { EventHub, StepEvent } from '../event-hub';

/** One progress message of a step, as the step reported it (already redacted by the engine). */
export interface ProgressEntry {
  at: string;
  message: string;
}

/** Messages kept per step. */
export const PROGRESS_PER_STEP = 20;
/** Runs whose messages are kept (the oldest is forgotten first). */
export const PROGRESS_RUNS = 500;

/**
 * The recent progress messages of steps, by run and step name, from the
 * host's events. Steps report progress as events only (the journal keeps
 * status and timing), so this is what a page opened mid-run can show.
 * Bounded: {@link PROGRESS_PER_STEP} messages per step, {@link PROGRESS_RUNS} runs.
 */
export class ProgressLog {
  readonly #runs = new Map<string, Map<string, ProgressEntry[]>>();
  readonly #unsubscribe: () => void;

  constructor(hub: EventHub) {
    this.#unsubscribe = hub.subscribe((e) => {
      if (e.kind === 'step' && e.status === 'progress' && e.message) this.#add(e);
    });
  }

  /** The messages of each step of a run that reported any. */
  of(runId: string): ReadonlyMap<string, readonly ProgressEntry[]> {
    return this.#runs.get(runId) ?? new Map();
  }

  /** Stops listening. */
  close(): void {
    this.#unsubscribe();
  }

  #add(e: StepEvent): void {
    let steps = this.#runs.get(e.runId);
    if (!steps) {
      steps = new Map();
      this.#runs.set(e.runId, steps);
      if (this.#runs.size > PROGRESS_RUNS) this.#runs.delete(this.#runs.keys().next().value!);
    }
    let entries = steps.get(e.step);
    if (!entries) {
      entries = [];
      steps.set(e.step, entries);
    }
    entries.push({ at: e.at, message: e.message! });
    if (entries.length > PROGRESS_PER_STEP) entries.shift();
  }
}
