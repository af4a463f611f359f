import type { StepContext, StepProgress } from '../steps/define-step';
import { systemClock, type Clock } from '../util/clock';
import type { Logger } from '../util/logger';

/** A log line captured by {@link createMockStepContext}. */
export interface CapturedLog {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  data?: Record<string, unknown>;
}

/** A step context for unit tests of a step, with everything it reported captured. */
export interface MockStepContext extends StepContext {
  readonly logs: CapturedLog[];
  readonly progressUpdates: StepProgress[];
  /** What the step remembered through `remember`, by key (seed it with the `remembered` option to act as a resumed run). */
  readonly remembered: Record<string, unknown>;
  /** Aborts `signal`. */
  abort(reason?: unknown): void;
}

/**
 * Builds a {@link StepContext} for calling a step's `run` directly in a test.
 *
 * @example
 * const ctx = createMockStepContext({ timeoutMs: 1000 });
 * const out = await myStep.run({ name: 'x' }, ctx);
 * expect(ctx.progressUpdates).toHaveLength(1);
 *
 * With `clock: createFakeClock()` the step's waits and `remainingMs` follow
 * the fake clock, so a test moves time instead of waiting for it.
 */
export function createMockStepContext(
  options: {
    runId?: string;
    stepName?: string;
    attempt?: number;
    timeoutMs?: number;
    signal?: AbortSignal;
    remembered?: Record<string, unknown>;
    clock?: Clock;
  } = {},
): MockStepContext {
  const controller = new AbortController();
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = clock.now() + timeoutMs;
  const signal = options.signal ? AbortSignal.any([controller.signal, options.signal]) : controller.signal;
  const logs: CapturedLog[] = [];
  const progressUpdates: StepProgress[] = [];
  const log = (level: CapturedLog['level']) => (message: string, data?: Record<string, unknown>) => {
    logs.push(data === undefined ? { level, message } : { level, message, data });
  };
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  const runId = options.runId ?? 'test-run';
  const stepName = options.stepName ?? 'test-step';
  const remembered: Record<string, unknown> = { ...(options.remembered ?? {}) };
  return {
    signal,
    logger,
    logs,
    progressUpdates,
    progress: (u) => progressUpdates.push(typeof u === 'string' ? { message: u } : u),
    idempotencyKey: `${runId}/${stepName}`,
    runId,
    stepName,
    attempt: options.attempt ?? 1,
    remainingMs: () => Math.max(0, deadline - clock.now()),
    clock,
    remembered,
    async remember<T>(key: string, produce: () => T | Promise<T>): Promise<T> {
      if (!Object.hasOwn(remembered, key)) remembered[key] = await produce();
      return remembered[key] as T;
    },
    abort: (reason) => controller.abort(reason),
  };
}
