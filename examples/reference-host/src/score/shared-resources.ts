import type { ScoreResource, ScoreSpec } from './score-spec';

/**
 * The application a shared resource (a Score resource with an `id`) belongs
 * to in the store: it is provisioned once, as resource `<id>` of this
 * application, whatever workload asked first, and each workload declaring the
 * id reads it. No Score workload may take this name.
 */
export const SHARED_APPLICATION = 'shared';

/** The spec store lock every change of a shared resource's users is made under (not a Score name, so never an application's). */
export const SHARED_LOCK = '#shared';

/** Where a workload's resource lives in the store: its own (`application`, `name`), or the shared one of its id. */
export interface ResourceHome {
  application: string;
  name: string;
  /** The Score id, when the resource is shared. */
  shared?: string;
}

/** The store's place of resource `name` of `spec`. */
export function homeOf(spec: ScoreSpec, name: string): ResourceHome {
  const id = spec.resources?.[name]?.id;
  return id === undefined ? { application: spec.metadata.name, name } : { application: SHARED_APPLICATION, name: id, shared: id };
}

/** The shared ids a spec declares, each with the first resource name declaring it. */
export function sharedIds(spec: ScoreSpec | undefined): Map<string, string> {
  const ids = new Map<string, string>();
  for (const [name, r] of Object.entries(spec?.resources ?? {})) if (r.id !== undefined && !ids.has(r.id)) ids.set(r.id, name);
  return ids;
}

/** Whether a spec declares any shared resource. */
export function declaresShared(spec: ScoreSpec | undefined): boolean {
  return sharedIds(spec).size > 0;
}

/** One declaration of a shared resource in another application's spec. */
export interface SharedUse {
  application: string;
  /** The resource's name in that spec. */
  name: string;
  resource: ScoreResource;
}

/** The declarations of each of `ids` in `specs` (other applications' stored specs). */
export function sharedUses(specs: readonly ScoreSpec[], ids: ReadonlySet<string>): Map<string, SharedUse[]> {
  const uses = new Map<string, SharedUse[]>();
  for (const spec of specs) {
    for (const [name, resource] of Object.entries(spec.resources ?? {})) {
      if (resource.id === undefined || !ids.has(resource.id)) continue;
      const list = uses.get(resource.id) ?? [];
      list.push({ application: spec.metadata.name, name, resource });
      uses.set(resource.id, list);
    }
  }
  return uses;
}
