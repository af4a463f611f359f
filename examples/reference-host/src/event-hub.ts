import type { Operation, ResourceTransitionEvent } from '@innominatus/core';

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
 * try (an outage being waited out): it keeps its state; the next try starts
 * at `nextAttemptAt` by itself.
 */
export interface RetryingEvent {
  kind: 'retrying';
  resourceId: string;
  application: string;
  /** The resource's name in its application. */
  name: string;
  type: string;
  operation: Operation;
  /** Failed tries of the operation so far. */
  failedTries: number;
  /** When the next try may start (ISO-8601). */
  nextAttemptAt: string;
  /** The last error (redacted); `since` is when the streak of retryable failures began. */
  error: { code: string; message: string; since?: string };
  at: string;
}

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
