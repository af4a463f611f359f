import { parseDuration } from '../model/workflow';
import type { IssueList } from './issues';

/** Longest timeout or backoff: what one timer can wait (about 24.8 days). */
export const MAX_DURATION_MS = 2 ** 31 - 1;

/**
 * A duration field (`30s`, `1h30m`, milliseconds) in milliseconds, or
 * `fallback` after reporting `INVALID_DURATION` when it does not parse or is
 * longer than one timer can wait.
 */
export function durationField(value: unknown, pointer: string, fallback: number, issues: IssueList): number {
  if (typeof value !== 'string' && typeof value !== 'number') return fallback;
  let ms: number;
  try {
    ms = parseDuration(value);
  } catch (err) {
    issues.error('INVALID_DURATION', (err as Error).message, pointer);
    return fallback;
  }
  if (ms > MAX_DURATION_MS) {
    issues.error('INVALID_DURATION', `duration ${JSON.stringify(value)} is longer than the maximum of 24 days`, pointer);
    return fallback;
  }
  return ms;
}
