import type { LoadedProvider } from '@innominatus/core';
import { createFakeClock } from '@innominatus/core/testing';
import { type CapturedEvent, type RunWorkflowOptions, runWorkflow, type WorkflowRun } from './run-workflow';

/** Options of {@link runWorkflowToTimeout}: those of `runWorkflow` (but its own clock) and when to move time. */
export interface RunToTimeoutOptions extends Omit<RunWorkflowOptions, 'clock'> {
  /** How far to move the run's clock once `when` holds: the timeout under test (or more). */
  advanceMs: number;
  /**
   * What must have happened before time moves, given the run's events so
   * far: typically the wait's `step:progress` with the status the error must
   * quote. Checked after each event and every few milliseconds, so it may
   * also look at the cluster.
   */
  when: (events: readonly CapturedEvent[]) => boolean;
}

/** How often `when` is checked between events (real time): the cluster's own simulators run on real timers. */
const POLL_MS = 10;

/**
 * Runs a workflow whose wait must time out, on a fake clock: once `when`
 * holds, the clock moves by `advanceMs`, so the timeout fires then, after
 * the wait has observed what the test asserts, however fast or slow the
 * machine, and the test does not wait out the timeout in real time.
 * Resolves like `runWorkflow` (also when the run ends before `when` holds,
 * so the test's assertions say what happened instead).
 *
 * @example
 * const run = await runWorkflowToTimeout(provider, 'provision-postgres', {
 *   parameters: { db_name: 'orders', wait_timeout: '1s' },
 *   cluster,
 *   advanceMs: 1000,
 *   when: (events) => events.some((e) => e.event === 'step:progress' && e.message.endsWith('"Creating"}')),
 * });
 * expect(run.error?.message).toContain('timed out after 1s');
 */
export async function runWorkflowToTimeout(provider: LoadedProvider, name: string, options: RunToTimeoutOptions): Promise<WorkflowRun> {
  const { advanceMs, when, ...rest } = options;
  const clock = createFakeClock();
  const events: CapturedEvent[] = [];
  let ended = false;
  const running = runWorkflow(provider, name, {
    ...rest,
    clock,
    onEvent: (event) => {
      events.push(event);
      rest.onEvent?.(event);
    },
  }).finally(() => {
    ended = true;
  });
  while (!ended && !when(events)) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  if (!ended) await clock.advance(advanceMs);
  return running;
}
