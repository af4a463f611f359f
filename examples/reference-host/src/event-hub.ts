import type { JournaledError, ResourceRetryingEvent, ResourceTransitionEvent } from '@innominatus/core';

/** A resource moved from one lifecycle state to another (the orchestrator's event, without its error detail). */
export type ResourceEvent = { kind: 'resource' } & Omit<ResourceTransitionEvent, 'error'>;

/** A step of a resource's run started, progressed, retried, succeeded, failed or was skipped. */
export interface StepEvent {
  kind: 'step';
  runId: string;
  resourceId?: string;
  application?: string;
  /** The resource's name in its application. */
  resource?: string;
  step: string;
  stepType: string;
  status: 'started' | 'progress' | 'retrying' | 'succeeded' | 'failed' | 'skipped';
  attempt?: number;
  message?: string;
  durationMs?: number;
  error?: { code: string; message: string };
  at: string;
}

/**
 * A resource's operation failed with a retryable error and waits for its next
 * try (an outage being waited out): the orchestrator's
 * {@link ResourceRetryingEvent} without its delay, its error reduced to code,
 * message (redacted) and `since` (when the streak of retryable failures began).
 */
export type RetryingEvent = { kind: 'retrying' } & Omit<ResourceRetryingEvent, 'delayMs' | 'error'> & {
    error: Pick<JournaledError, 'code' | 'message' | 'since'>;
  };

/** Every event the host publishes (to SSE clients, metrics and logs). */
export type HostEvent = ResourceEvent | StepEvent | RetryingEvent;

/**
 * Fans host events out to subscribers. Events carry no outputs and no
 * properties: only names, states, redacted messages and error codes.
 */
export class EventHub {
  readonly #listeners = new Set<(e: HostEvent) => void>();

  /** Calls `listener` with every later event; returns the unsubscribe function. */
  subscribe(listener: (e: HostEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Sends an event to every subscriber. */
  publish(event: HostEvent): void {
    for (const l of this.#listeners) {
      try {
        l(event);
      } catch {
        // One broken subscriber (a closed socket) must not stop the others.
      }
    }
  }
}
