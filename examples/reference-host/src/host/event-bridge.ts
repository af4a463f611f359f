import type { Orchestrator, OrchestratorEvents, Store } from '@innominatus/core';
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
 * Publishes the orchestrator's resource transitions and step events on the
 * host's hub, labelled with the resource's application and name. Only names,
 * states, progress messages (already redacted by the engine) and error codes
 * and messages pass; outputs never do. Returns the function that detaches it.
 */
export function bridgeOrchestratorEvents(events: Orchestrator['events'], hub: EventHub, store: Store): () => void {
  const names = new Map<string, { application: string; name: string }>();
  const remember = (id: string, label: { application: string; name: string }) => {
    names.set(id, label);
    if (names.size > 50_000) names.delete(names.keys().next().value!);
  };
  const onTransition: OrchestratorEvents['resource:transition'] = (e) => {
    remember(e.resourceId, { application: e.application, name: e.name });
    hub.publish({
      kind: 'resource', resourceId: e.resourceId, application: e.application, name: e.name, type: e.type,
      ...(e.from ? { from: e.from } : {}), to: e.to, reason: e.reason, at: e.at,
    });
  };
  const stepListener = (status: StepStatus) => (e: AnyStepEvent) => {
    const build = (label?: { application: string; name: string }): StepEvent => ({
      kind: 'step', runId: e.runId, resourceId: e.resourceId,
      ...(label ? { application: label.application, resource: label.name } : {}),
      step: e.step, stepType: e.type, status,
      ...(e.attempt !== undefined ? { attempt: e.attempt } : {}),
      ...(e.message !== undefined ? { message: e.message } : e.reason !== undefined ? { message: e.reason } : {}),
      ...(e.durationMs !== undefined ? { durationMs: e.durationMs } : {}),
      ...(e.error ? { error: { code: e.error.code, message: e.error.message } } : {}),
      at: e.at,
    });
    const label = names.get(e.resourceId);
    if (label) return hub.publish(build(label));
    // A run resumed after a restart: its resource's name is not known yet.
    void store.getResource(e.resourceId).then((r) => {
      if (r) remember(r.id, { application: r.application, name: r.name });
      hub.publish(build(r && { application: r.application, name: r.name }));
    }, () => hub.publish(build()));
  };
  events.on('resource:transition', onTransition);
  const listeners = STEP_EVENTS.map(([event, status]) => {
    const fn = stepListener(status);
    events.on(event, fn as never);
    return [event, fn] as const;
  });
  return () => {
    events.off('resource:transition', onTransition);
    for (const [event, fn] of listeners) events.off(event, fn as never);
  };
}
