import { redact, type ResourceRecord, type StepRecord, type TransitionRecord } from '@innominatus/core';

/** A resource as the API shows it: sensitive values as `***`, no lease details (fields that are undefined are left out of the JSON). */
export function resourceView(r: ResourceRecord): Record<string, unknown> {
  return {
    id: r.id,
    application: r.application,
    name: r.name,
    type: r.type,
    state: r.state,
    generation: r.generation,
    properties: redact(r.properties),
    outputs: redact(r.outputs ?? {}),
    pendingOperation: r.pendingOperation,
    runId: r.runId,
    error: r.error,
    ...retryingView(r),
    attempts: r.attempts,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/**
 * A resource waiting out a retryable failure (an API outage, say): when it
 * tries next, the last error, and since when it has been failing.
 */
function retryingView(r: ResourceRecord): { retrying?: Record<string, unknown> } {
  if (r.state === 'failed' || !r.pendingOperation || !r.nextAttemptAt || !r.error?.retryable) return {};
  return {
    retrying: {
      attempts: r.attempts,
      nextAttemptAt: r.nextAttemptAt,
      since: r.error.since,
      lastError: { code: r.error.code, message: r.error.message },
    },
  };
}

/** A history entry as the API shows it. */
export function transitionView(t: TransitionRecord): Record<string, unknown> {
  return { from: t.from, to: t.to, at: t.at, reason: t.reason };
}

/** A journaled step as the API shows it: status and timing, never its (sealed) outputs. */
export function stepView(s: StepRecord): Record<string, unknown> {
  return {
    index: s.index,
    name: s.name,
    type: s.type,
    status: s.status,
    attempt: s.attempt,
    startedAt: s.startedAt,
    endedAt: s.endedAt,
    error: s.error,
  };
}
