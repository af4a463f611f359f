import type { MockObject } from './types';

/** A kind served from another kind's objects, converted both ways (like two API versions of one stored resource). */
export interface KindView {
  /** `group|kind` of the kind whose objects are stored. */
  storage: string;
  /** A stored object as this kind shows it (a new object; nested values are shared). */
  toView(stored: MockObject): MockObject;
  /** An object of this kind as it is stored (a new object; nested values are shared). */
  fromView(view: MockObject): MockObject;
}

/** core/v1 Event field ↔ events.k8s.io/v1 Event field, as the API server converts them. */
const RENAMES: ReadonlyArray<[string, string]> = [
  ['involvedObject', 'regarding'],
  ['message', 'note'],
  ['reportingComponent', 'reportingController'],
  ['source', 'deprecatedSource'],
  ['firstTimestamp', 'deprecatedFirstTimestamp'],
  ['lastTimestamp', 'deprecatedLastTimestamp'],
  ['count', 'deprecatedCount'],
];
const SAME = ['reason', 'type', 'action', 'eventTime', 'reportingInstance', 'related', 'series'];

function convert(from: MockObject, apiVersion: string, pairs: ReadonlyArray<[string, string]>): MockObject {
  const out: MockObject = { apiVersion, kind: 'Event', metadata: from.metadata };
  for (const [a, b] of pairs) if (from[a] !== undefined) out[b] = from[a];
  for (const k of SAME) if (from[k] !== undefined) out[k] = from[k];
  return out;
}

/**
 * events.k8s.io/v1 Events as a view of the core/v1 Events: one store, so an
 * Event written through either API is read, listed and watched through both.
 */
export const EVENTS_V1_VIEW: KindView = {
  storage: '|event',
  toView: (core) => convert(core, 'events.k8s.io/v1', RENAMES),
  fromView: (view) =>
    convert(
      view,
      'v1',
      RENAMES.map(([a, b]) => [b, a]),
    ),
};
