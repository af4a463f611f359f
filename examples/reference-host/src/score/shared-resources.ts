import { DEFAULT_CLASS, resourceUid } from './resource-uid';
import type { ScoreResource, ScoreSpec } from './score-spec';

/**
 * The application shared resources (Score resources with an `id`) belong to
 * in the store: each is provisioned once, in this application, whatever
 * workload asked first, and each workload declaring it reads it. No Score
 * workload may take this name.
 */
export const SHARED_APPLICATION = 'shared';

/** The spec store lock every change of a shared resource's users is made under (not a Score name, so never an application's). */
export const SHARED_LOCK = '#shared';

/** One shared resource a spec declares: its Score identity and where the store keeps it. */
export interface SharedRef {
  /** Score's UID, `<type>.<class>#<id>`. */
  uid: string;
  type: string;
  class: string;
  id: string;
}

/**
 * The name a new shared resource gets in the shared application:
 * `<type>-<id>` in the default class, `<type>-<class>-<id>` in another one
 * (e.g. `postgres-orders`, `postgres-large-orders`), so that the same id with
 * another type or class is another resource, and the name stays a DNS label
 * when the id is one (the provider sees it as the resource's name). Where
 * two identities would take one name (`postgres.default#large-x` and
 * `postgres.large#x`), the second is refused at submit. A shared resource
 * made before this layout keeps its name, `<id>`: the index records where
 * each one is (see `shared-index.ts`).
 */
export function sharedStoreName(ref: Pick<SharedRef, 'type' | 'class' | 'id'>): string {
  return `${namePrefix(ref.type, ref.class)}${ref.id}`;
}

function namePrefix(type: string, cls: string): string {
  return cls === DEFAULT_CLASS ? `${type}-` : `${type}-${cls}-`;
}

/**
 * The shared resources a resource of the shared application may be: the one
 * whose name it has ({@link sharedStoreName}), and the one made before that
 * layout (its name is the id). The index entry whose resource it is tells
 * which.
 */
export function sharedRefsOf(record: { name: string; type: string; class?: string }): SharedRef[] {
  const cls = record.class ?? DEFAULT_CLASS;
  const prefix = namePrefix(record.type, cls);
  const ids = [...(record.name.startsWith(prefix) ? [record.name.slice(prefix.length)] : []), record.name];
  return ids.map((id) => sharedRef({ type: record.type, class: cls, id }));
}

/** The shared identity of a resource with an `id`. */
export function sharedRef(resource: Pick<ScoreResource, 'type' | 'class' | 'id'> & { id: string }): SharedRef {
  const cls = resource.class ?? DEFAULT_CLASS;
  return { uid: resourceUid('', '', resource), type: resource.type, class: cls, id: resource.id };
}

/** The shared resource a spec's resource `name` is, if it sets an `id`. */
export function sharedOf(spec: ScoreSpec | undefined, name: string): SharedRef | undefined {
  const r = spec?.resources?.[name];
  return r?.id === undefined ? undefined : sharedRef(r as ScoreResource & { id: string });
}

/** The shared resources a spec declares, by UID, each with the first resource name declaring it. */
export function sharedUids(spec: ScoreSpec | undefined): Map<string, SharedRef & { name: string }> {
  const uids = new Map<string, SharedRef & { name: string }>();
  for (const name of Object.keys(spec?.resources ?? {})) {
    const ref = sharedOf(spec, name);
    if (ref && !uids.has(ref.uid)) uids.set(ref.uid, { ...ref, name });
  }
  return uids;
}

/** Whether a spec declares any shared resource. */
export function declaresShared(spec: ScoreSpec | undefined): boolean {
  return sharedUids(spec).size > 0;
}

/** One declaration of a shared resource in another application's spec. */
export interface SharedUse {
  application: string;
  /** The resource's name in that spec. */
  name: string;
  resource: ScoreResource;
}

/** The declarations of shared resource `uid` in `spec` (another application's stored spec). */
export function usesIn(spec: ScoreSpec, uid: string): SharedUse[] {
  return Object.keys(spec.resources ?? {})
    .filter((name) => sharedOf(spec, name)?.uid === uid)
    .map((name) => ({ application: spec.metadata.name, name, resource: spec.resources![name]! }));
}
