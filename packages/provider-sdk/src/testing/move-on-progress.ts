import type { FakeClock } from '@innominatus/core/testing';
import type { CapturedEvent } from './run-workflow';

/** What {@link moveOnProgress} returns: the `onEvent` to run with, and the moves it started. */
export interface ProgressMoves {
  /** Pass as `runWorkflow`'s `onEvent`: each `step:progress` of the step moves the clock by `stepMs`. */
  onEvent(event: CapturedEvent): void;
  /** Resolves once every move started so far has fired its timers (await it after the run). */
  settled(): Promise<void>;
}

/**
 * Moves a fake clock, the one a simulated operator runs on, by `stepMs`
 * each time the step named `step` (a wait) reports progress, and only then:
 * the operator takes each next step (a pickup, a rollout) after the wait has
 * reported what it observed, so the wait observes every status the operator
 * writes, the one from before a change first, however fast or slow the
 * machine. Give each of the operator's delays `stepMs`, so each move fires one of them.
 *
 * @example
 * const clock = createFakeClock();
 * zalandoPostgresOperator(cluster, { clock, pickupDelayMs: 100, createDelayMs: 100, updateDelayMs: 100 });
 * const moves = moveOnProgress(clock, 100, 'wait-for-database');
 * const run = await runWorkflow(provider, 'update-postgres', { parameters, cluster, onEvent: moves.onEvent });
 * await moves.settled();
 */
export function moveOnProgress(clock: FakeClock, stepMs: number, step: string): ProgressMoves {
  let moving = Promise.resolve();
  return {
    onEvent(event) {
      if (event.event === 'step:progress' && event.step === step) moving = moving.then(() => clock.advance(stepMs));
    },
    settled: () => moving,
  };
}
