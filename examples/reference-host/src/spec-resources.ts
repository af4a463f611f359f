import type { ResourceRecord, Store } from '@innominatus/core';
import type { ScoreSpec } from './score/score-spec';
import { SHARED_APPLICATION, homeOf, sharedIds, sharedUses, type SharedUse } from './score/shared-resources';
import { storedScore } from './score/stored-score';
import { allResources } from './util/all-resources';
import { allSpecSummaries } from './util/spec-summaries';

/** The resources an application's spec stands for: its own and the shared ones it declares (none terminated). */
export interface SpecResources {
  /** Each resource name of the spec → the resource it is, own or shared. */
  byName: Map<string, ResourceRecord>;
  /** The application's own resources (also those its spec no longer asks for). */
  own: ResourceRecord[];
  /** The shared resources of the ids the specs declare, by id. */
  shared: Map<string, ResourceRecord>;
  /** The application's own resources, then the shared ones its spec declares: what the application is made of. */
  all: ResourceRecord[];
}

/**
 * Reads the resources of `application` and the shared resources `spec` (and
 * `also`, e.g. the previous spec) declare. Names in `byName` are `spec`'s.
 */
export async function specResources(
  store: Pick<Store, 'listResources' | 'findResource'>,
  application: string,
  spec: ScoreSpec | undefined,
  also?: ScoreSpec,
): Promise<SpecResources> {
  const own = await allResources(store, { application, live: true });
  const ids = new Set([...sharedIds(spec).keys(), ...sharedIds(also).keys()]);
  const shared = new Map<string, ResourceRecord>();
  for (const id of ids) {
    const r = await store.findResource(SHARED_APPLICATION, id);
    if (r) shared.set(id, r);
  }
  const ownByName = new Map(own.map((r) => [r.name, r]));
  const byName = new Map<string, ResourceRecord>();
  for (const name of Object.keys(spec?.resources ?? {})) {
    const home = homeOf(spec!, name);
    const r = home.shared !== undefined ? shared.get(home.shared) : ownByName.get(name);
    if (r) byName.set(name, r);
  }
  const all = [...own, ...[...byName.values()].filter((r) => r.application === SHARED_APPLICATION)];
  return { byName, own, shared, all: [...new Map(all.map((r) => [r.id, r])).values()] };
}

/** Where specs are read: the store, or one transaction of it. */
export type SpecReader = Pick<Store, 'getSpec' | 'listSpecs'>;

/** Every stored spec except `application`'s (loaded one by one, up to the listing's bound). */
export async function otherSpecs(specs: SpecReader, application: string): Promise<ScoreSpec[]> {
  const names = (await allSpecSummaries(specs)).map((s) => s.name).filter((n) => n !== application);
  const out: ScoreSpec[] = [];
  for (const name of names) {
    const stored = await storedScore(specs, name);
    if (stored) out.push(stored.spec);
  }
  return out;
}

/** How other applications' stored specs declare the shared ids of `spec` and `also`; read only when there are any. */
export async function otherUses(specs: SpecReader, application: string, spec: ScoreSpec | undefined, also?: ScoreSpec): Promise<Map<string, SharedUse[]>> {
  const ids = new Set([...sharedIds(spec).keys(), ...sharedIds(also).keys()]);
  if (ids.size === 0) return new Map();
  return sharedUses(await otherSpecs(specs, application), ids);
}
