import { randomBytes } from 'node:crypto';
import type { ObjectStore, WriteResult } from '../object-store';
import type { MockObject } from '../types';
import { nowMicros, nowSeconds } from '../timestamps';

/** One Kubernetes Event about an object, as a controller records it. */
export interface EventSpec {
  type: 'Normal' | 'Warning';
  /** Short, machine-readable: `Create`, `Update`, `Sync`, `Delete`... */
  reason: string;
  message: string;
  /** What the event says was done (events.k8s.io `action`; default the reason). */
  action?: string;
}

/**
 * Records an Event about `object` as a controller named `component` would,
 * in the object's namespace (`default` for cluster-scoped objects): one
 * Event, listed by `kubectl describe` and served by both the core/v1 and the
 * events.k8s.io/v1 API. Returns it as core/v1 shows it.
 */
export function recordEvent(store: ObjectStore, object: MockObject, component: string, event: EventSpec): MockObject {
  return writeEvent(store, object, component, event).object;
}

/** {@link recordEvent}, answered with the write's result (whose object is copied only when read). */
export function writeEvent(store: ObjectStore, object: MockObject, component: string, event: EventSpec): WriteResult {
  const namespace = object.metadata.namespace ?? 'default';
  const name = `${object.metadata.name}.${randomBytes(8).toString('hex')}`;
  const now = nowSeconds();
  const involved = {
    apiVersion: object.apiVersion,
    kind: object.kind,
    name: object.metadata.name,
    ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
    ...(object.metadata.uid ? { uid: object.metadata.uid } : {}),
    ...(object.metadata.resourceVersion ? { resourceVersion: object.metadata.resourceVersion } : {}),
  };
  return store.create(
    store.requireKind('v1', 'Event'),
    {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: involved,
      reason: event.reason,
      message: event.message,
      type: event.type,
      action: event.action ?? event.reason,
      source: { component },
      firstTimestamp: now,
      lastTimestamp: now,
      eventTime: nowMicros(),
      count: 1,
      reportingComponent: component,
      reportingInstance: component,
    },
    { fieldManager: component },
  );
}
