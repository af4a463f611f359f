import type { ResourceRecord, Store } from '@innominatus/core';
import { DEFAULT_CLASS } from './score/resource-uid';
import type { ScoreSpec } from './score/score-spec';
import { readSharedEntry, storeNameOf, type SharedEntry } from './score/shared-index';
import { SHARED_APPLICATION, sharedOf, sharedRefsOf, sharedUids, usesIn, type SharedRef, type SharedUse } from './score/shared-resources';
import { storedScore } from './score/stored-score';
import { allResources } from './util/all-resources';

/** Where a shared resource a spec declares is kept, and what the store has there. */
export interface SharedHome {
  ref: SharedRef;
  /** Its name in the shared application (the provider sees it as the resource's name). */
  store: string;
  /** The index entry: which applications declare it. */
  entry: SharedEntry | undefined;
  /** The resource (not terminated), when it exists. */
  record: ResourceRecord | undefined;
  /** A resource of another type or class that holds the name this one would take. */
  clash?: ResourceRecord;
}

/** The resources an application's spec stands for: its own and the shared ones it declares (none terminated). */
export interface SpecResources {
  /** Each resource name of the spec → the resource it is, own or shared. */
  byName: Map<string, ResourceRecord>;
  /** The application's own resources (also those its spec no longer asks for). */
  own: ResourceRecord[];
  /** The shared resources the specs declare, by UID. */
  shared: Map<string, SharedHome>;
  /** The application's own resources, then the shared ones its spec declares: what the application is made of. */
  all: ResourceRecord[];
}

type Reader = Pick<Store, 'listResources' | 'findResource' | 'getSpec'>;

/** Where shared resource `ref` is kept, read from its index entry: one spec read and one resource read. */
export async function sharedHome(store: Pick<Store, 'findResource' | 'getSpec'>, ref: SharedRef): Promise<SharedHome> {
  const entry = await readSharedEntry(store, ref.uid);
  const name = storeNameOf(ref, entry);
  const found = await store.findResource(SHARED_APPLICATION, name);
  if (found && (found.type !== ref.type || (found.class ?? DEFAULT_CLASS) !== ref.class)) return { ref, store: name, entry, record: undefined, clash: found };
  return { ref, store: name, entry, record: found };
}

/**
 * The ids of the shared resources (not terminated) that `application`'s
 * stored spec declares: one spec read, then one index entry and one resource
 * read per shared resource.
 */
export async function sharedIdsOf(store: Pick<Store, 'findResource' | 'getSpec'>, application: string): Promise<string[]> {
  const spec = (await storedScore(store, application))?.spec;
  const ids: string[] = [];
  for (const ref of sharedUids(spec).values()) {
    const { record } = await sharedHome(store, ref);
    if (record) ids.push(record.id);
  }
  return ids;
}

/**
 * Reads the resources of `application` and the shared resources `spec` (and
 * `also`, e.g. the previous spec) declare. Names in `byName` are `spec`'s.
 */
export async function specResources(store: Reader, application: string, spec: ScoreSpec | undefined, also?: ScoreSpec): Promise<SpecResources> {
  const own = await allResources(store, { application, live: true });
  const shared = new Map<string, SharedHome>();
  for (const [uid, ref] of [...sharedUids(spec), ...sharedUids(also)]) if (!shared.has(uid)) shared.set(uid, await sharedHome(store, ref));
  const ownByName = new Map(own.map((r) => [r.name, r]));
  const byName = new Map<string, ResourceRecord>();
  for (const name of Object.keys(spec?.resources ?? {})) {
    const ref = sharedOf(spec, name);
    const r = ref ? shared.get(ref.uid)?.record : ownByName.get(name);
    if (r) byName.set(name, r);
  }
  const all = [...own, ...[...byName.values()].filter((r) => r.application === SHARED_APPLICATION)];
  return { byName, own, shared, all: [...new Map(all.map((r) => [r.id, r])).values()] };
}

/**
 * How the other applications declaring each shared resource in `shared`
 * declare it: the index names them, and only their specs are read.
 */
export async function otherUses(
  store: Pick<Store, 'getSpec'>,
  application: string,
  shared: ReadonlyMap<string, SharedHome>,
): Promise<Map<string, SharedUse[]>> {
  const uses = new Map<string, SharedUse[]>();
  for (const [uid, home] of shared) {
    const list: SharedUse[] = [];
    for (const user of home.entry?.users ?? []) {
      if (user === application) continue;
      const spec = (await storedScore(store, user))?.spec;
      if (spec) list.push(...usesIn(spec, uid));
    }
    uses.set(uid, list);
  }
  return uses;
}

/** The applications whose specs declare the shared resource `record` (the ones to apply again when it changes), from the index. */
export async function sharedUsersOf(store: Pick<Store, 'getSpec'>, record: Pick<ResourceRecord, 'name' | 'type' | 'class'>): Promise<string[]> {
  for (const ref of sharedRefsOf(record)) {
    const entry = await readSharedEntry(store, ref.uid);
    if (entry?.store === record.name) return entry.users;
  }
  return [];
}
