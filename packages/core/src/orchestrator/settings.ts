import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { StoreError } from '../errors';
import { systemClock, type Clock } from '../util/clock';
import { silentLogger, type Logger } from '../util/logger';
import type { OrchestratorOptions } from './types';

/** {@link OrchestratorOptions} checked, with every default filled in. */
export interface OrchestratorSettings {
  owner: string;
  concurrency: number;
  batchSize: number;
  leaseMs: number;
  heartbeatMs: number;
  /** A run stops this long before its lease could lapse unless a heartbeat confirmed it, so two replicas never both work on it. */
  leaseMarginMs: number;
  /** How long a heartbeat may take before the leases it covers count as unconfirmed. */
  heartbeatTimeoutMs: number;
  pollIntervalMs: number;
  /** Tries of one operation, the first included (Infinity: bounded by the horizon only). */
  maxTries: number;
  /** How long a streak of retryable failures is waited out. */
  horizonMs: number;
  /** Delay before the next try after `failedTries` failed ones. */
  delayFor(failedTries: number): number;
  /** What claiming holds back for, with its longest wait filled in. */
  foreground?: { busy(): boolean; maxWaitMs: number };
  logger: Logger;
  clock: Clock;
}

/** Checks the options (`OPTIONS_INVALID` naming the option and value) and fills in the defaults. */
export function resolveSettings(options: OrchestratorOptions): OrchestratorSettings {
  if (options.engine.journal !== options.store) {
    throw new StoreError(
      'OPTIONS_INVALID',
      "the engine's journal must be the orchestrator's store (createEngine({ journal: store })), or another replica could not resume its runs",
    );
  }
  const leaseMs = positive('leaseMs', options.leaseMs ?? 30_000);
  const heartbeatMs = positive('heartbeatMs', options.heartbeatMs ?? Math.max(1, Math.floor(leaseMs / 3)));
  const leaseMarginMs = Math.min(Math.max(1, Math.floor(leaseMs / 5)), 5_000);
  const maxBackoffMs = positive('retry.maxBackoffMs', options.retry?.maxBackoffMs ?? 60_000);
  // Capped exponential, with jitter: between half and all of the step.
  const backoff =
    options.retry?.backoff ??
    ((n: number) => {
      const step = Math.min(1_000 * 2 ** (n - 1), maxBackoffMs);
      return step / 2 + Math.random() * (step / 2);
    });
  return {
    owner: options.owner ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
    concurrency: positive('concurrency', options.concurrency ?? 100),
    batchSize: positive('batchSize', options.batchSize ?? 25),
    leaseMs,
    heartbeatMs,
    leaseMarginMs,
    heartbeatTimeoutMs: Math.max(1, Math.min(heartbeatMs, leaseMs - leaseMarginMs)),
    pollIntervalMs: positive('pollIntervalMs', options.pollIntervalMs ?? 5_000),
    maxTries: options.retry?.attempts === undefined ? Number.POSITIVE_INFINITY : positive('retry.attempts', options.retry.attempts),
    horizonMs: positive('retry.horizonMs', options.retry?.horizonMs ?? 3_600_000),
    delayFor: (failedTries) => Math.max(0, typeof backoff === 'number' ? backoff : backoff(failedTries)),
    ...(options.foreground
      ? { foreground: { busy: () => options.foreground!.busy(), maxWaitMs: positive('foreground.maxWaitMs', options.foreground.maxWaitMs ?? 500) } }
      : {}),
    logger: options.logger ?? silentLogger,
    clock: options.clock ?? systemClock,
  };
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new StoreError('OPTIONS_INVALID', `orchestrator option '${name}' must be a positive number, got ${String(value)}`);
  return value;
}
