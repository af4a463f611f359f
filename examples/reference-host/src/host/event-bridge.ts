import type { Orchestrator, OrchestratorEvents } from '@innominatus/core';
import type { EventHub, StepEvent } from '../event-hub';

type StepStatus = StepEvent['status'];

const STEP_EVENTS: ReadonlyArray<[keyof OrchestratorEvents, StepStatus]> = [
  ['step:started', 'started'],
  ['step:progress', 'progress'],
  ['step:retrying', 'retrying'],
  ['step:succeeded', 'succeeded'],
  ['step:failed', 'failed'],
  ['step:skipped', 'skipped'],
];

interface AnyStepEvent {
  resourceId: string;
  application: string;
  name: string;
  runId: string;
  step: string;
  type: string;
  at: string;
  attempt?: number;
  message?: string;
  reason?: string;
  durationMs?: number;
  error?: { code: string; message: string };
}

/**
 * Publishes the orchestrator's resource transitions, retries (a resource
 * waiting for its next try) and step events on the host's hub, labelled with the resource's application and name (the
 * orchestrator puts both on every event). Only names, states, progress
 * messages (already redacted by the engine) and error codes and messages
 * pass; outputs never do. Returns the function that detaches it.
 */
export function bridgeOrchestratorEvents(events: Orchestrator['events'], hub: EventHub): () => void {
  const onTransition: OrchestratorEvents['resource:transition'] = (e) => {
    hub.publish({
      kind: 'resource',
      resourceId: e.resourceId,
      application: e.application,
      name: e.name,
      type: e.type,
      ...(e.from ? { from: e.from } : {}),
      to: e.to,
      reason: e.reason,
      at: e.at,
    });
  };
  const stepListener = (status: StepStatus) => (e: AnyStepEvent) => {
    hub.publish({
      kind: 'step',
      runId: e.runId,
      resourceId: e.resourceId,
      application: e.application,
      resource: e.name,
      step: e.step,
      stepType: e.type,
      status,
      ...(e.attempt !== undefined ? { attempt: e.attempt } : {}),
      ...(e.message !== undefined ? { message: e.message } : e.reason !== undefined ? { message: e.reason } : {}),
      ...(e.durationMs !== undefined ? { durationMs: e.durationMs } : {}),
      ...(e.error ? { error: { code: e.error.code, message: e.error.message } } : {}),
      at: e.at,
    });
  };
  const onRetrying: OrchestratorEvents['resource:retrying'] = (e) => {
    hub.publish({
      kind: 'retrying',
      resourceId: e.resourceId,
      application: e.application,
      name: e.name,
      type: e.type,
      operation: e.operation,
      failedTries: e.failedTries,
      nextAttemptAt: e.nextAttemptAt,
      error: { code: e.error.code, message: e.error.message, ...(e.error.since ? { since: e.error.since } : {}) },
      at: e.at,
    });
  };
  events.on('resource:transition', onTransition);
  events.on('resource:retrying', onRetrying);
  const listeners = STEP_EVENTS.map(([event, status]) => {
    const fn = stepListener(status);
    events.on(event, fn as never);
    return [event, fn] as const;
  });
  return () => {
    events.off('resource:transition', onTransition);
    events.off('resource:retrying', onRetrying);
    for (const [event, fn] of listeners) events.off(event, fn as never);
  };
}
