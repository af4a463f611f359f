import { type Clock, type LoadedProvider, sleepOn, systemClock } from '@innominatus/core';
import { createFakeClock } from '@innominatus/core/testing';
import { ProviderSdkError } from '../errors';
import { type CapturedEvent, type RunWorkflowOptions, runWorkflow, type WorkflowRun } from './run-workflow';

/** Options of {@link runWorkflowToTimeout}: those of `runWorkflow` (but its own clock) and when to move time. */
export interface RunToTimeoutOptions extends Omit<RunWorkflowOptions, 'clock'> {
  /** How far to move the run's clock once `when` holds: the timeout under test (or more). */
  advanceMs: number;
  /**
   * What must have happened before time moves, given the run's events so
   * far: typically the wait's `step:progress` with the status the error must
   * quote (see {@link progressed}). Checked after each event and every few
   * milliseconds, so it may also look at the cluster.
   */
  when: (events: readonly CapturedEvent[]) => boolean;
  /**
   * How long (real time, ms) `when` may take to hold; default 3,000, so that
   * under vitest's default test timeout of 5 s the test fails with
   * `WHEN_NEVER_HELD` rather than a bare timeout. After it the run is
   * aborted and the call rejects with `WHEN_NEVER_HELD`, quoting `when` and
   * the last progress seen. A finite number, 0 or more (else `USAGE`).
   */
  whenWithinMs?: number;
  /**
   * The real-time clock that `whenWithinMs` is measured on and `when` is
   * polled on (default: the system clock). A test of `WHEN_NEVER_HELD`
   * itself passes a fake clock and moves it past the bound, instead of
   * waiting out `whenWithinMs`.
   */
  realClock?: Clock;
}

/** How often `when` is checked between events (real time): the cluster's own simulators run on real timers. */
const POLL_MS = 10;
/**
 * The default of {@link RunToTimeoutOptions.whenWithinMs}: below vitest's
 * default test timeout (5 s) with 2 s to spare for what the test does around
 * the call (loading the provider, the aborted run's teardown), so a `when`
 * that never holds fails as `WHEN_NEVER_HELD`. A `when` on a step's first
 * progress holds within milliseconds.
 */
const WHEN_WITHIN_MS = 3_000;
/** How much of `when`'s source the error quotes. */
const QUOTED_CHARS = 200;

/**
 * Runs a workflow whose wait must time out, on a fake clock: once `when`
 * holds, the clock moves by `advanceMs`, so the timeout fires then, after
 * the wait has observed what the test asserts, however fast or slow the
 * machine, and the test does not wait out the timeout in real time.
 * Resolves like `runWorkflow` (also when the run ends before `when` holds,
 * so the test's assertions say what happened instead). Rejects with
 * `WHEN_NEVER_HELD` when `when` does not hold within `whenWithinMs`, and
 * with `USAGE` (before the run starts) when `whenWithinMs` is negative, NaN
 * or not finite.
 *
 * @example
 * const run = await runWorkflowToTimeout(provider, 'provision-postgres', {
 *   parameters: { db_name: 'orders', wait_timeout: '1s' },
 *   cluster,
 *   advanceMs: 1000,
 *   when: (events) => progressed(events, '"Creating"}'),
 * });
 * expect(run.error?.message).toContain('timed out after 1s');
 */
export async function runWorkflowToTimeout(provider: LoadedProvider, name: string, options: RunToTimeoutOptions): Promise<WorkflowRun> {
  const { advanceMs, when, whenWithinMs = WHEN_WITHIN_MS, realClock = systemClock, ...rest } = options;
  if (typeof whenWithinMs !== 'number' || !Number.isFinite(whenWithinMs) || whenWithinMs < 0) {
    throw new ProviderSdkError(
      'USAGE',
      `runWorkflowToTimeout: whenWithinMs must be a finite number of milliseconds, 0 or more (got ${typeof whenWithinMs === 'number' ? whenWithinMs : JSON.stringify(whenWithinMs)})`,
    );
  }
  const clock = createFakeClock();
  const events: CapturedEvent[] = [];
  const abort = new AbortController();
  let ended = false;
  const running = runWorkflow(provider, name, {
    ...rest,
    clock,
    signal: rest.signal ? AbortSignal.any([rest.signal, abort.signal]) : abort.signal,
    onEvent: (event) => {
      events.push(event);
      rest.onEvent?.(event);
    },
  }).finally(() => {
    ended = true;
  });
  const deadline = realClock.now() + whenWithinMs;
  while (!ended && !when(events)) {
    if (realClock.now() >= deadline) {
      abort.abort();
      await running.catch(() => undefined);
      throw whenNeverHeld(name, when, whenWithinMs, events);
    }
    await sleepOn(realClock, POLL_MS);
  }
  if (!ended) await clock.advance(advanceMs);
  return running;
}

/**
 * True once some step's progress message ends with `suffix`: what a wait
 * reports when it observes a status, for {@link RunToTimeoutOptions.when}.
 *
 * @example
 * when: (events) => progressed(events, 'postgresql shop/orders: {"PostgresClusterStatus":"Creating"}')
 */
export function progressed(events: readonly CapturedEvent[], suffix: string): boolean {
  return events.some((e) => e.event === 'step:progress' && e.message.endsWith(suffix));
}

/** `WHEN_NEVER_HELD`: the workflow, the bound, `when`'s source and the last progress (events are redacted already). */
function whenNeverHeld(name: string, when: RunToTimeoutOptions['when'], withinMs: number, events: readonly CapturedEvent[]): ProviderSdkError {
  const source = String(when).replace(/\s+/g, ' ');
  const quoted = source.length > QUOTED_CHARS ? `${source.slice(0, QUOTED_CHARS)}…` : source;
  const last = events.findLast((e): e is Extract<CapturedEvent, { event: 'step:progress' }> => e.event === 'step:progress');
  const seen = last ? `the last progress was step '${last.step}': ${JSON.stringify(last.message)}` : 'no step reported progress';
  return new ProviderSdkError(
    'WHEN_NEVER_HELD',
    `runWorkflowToTimeout: workflow '${name}' ran ${withinMs} ms (real time) without \`when\` holding, so its clock was never moved and the run was aborted; it waited for: ${quoted}; ${seen}`,
  );
}
