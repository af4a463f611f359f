import { isPlainObject } from './merge';
import type { MockObject } from './types';

/** Where an object is stored: its kind's key and its key in that kind's bucket. */
export interface StoredAt {
  kindKey: string;
  objectKey: string;
}

/**
 * The store's indexes by uid: where each object is, and which objects name
 * an owner in their `ownerReferences` (so the garbage collector finds
 * dependents without scanning every object).
 */
export class ObjectIndex {
  readonly #byUid = new Map<string, StoredAt>();
  readonly #dependents = new Map<string, Set<string>>();

  /** Records that `object` (replacing `previous`, if any) is stored at `at`. */
  put(at: StoredAt, object: MockObject, previous: MockObject | undefined): void {
    const uid = object.metadata.uid;
    if (!uid) return;
    this.#byUid.set(uid, at);
    const before = ownerUids(previous);
    const after = ownerUids(object);
    for (const owner of before) if (!after.has(owner)) this.#unlink(owner, uid);
    for (const owner of after) {
      let set = this.#dependents.get(owner);
      if (!set) {
        set = new Set();
        this.#dependents.set(owner, set);
      }
      set.add(uid);
    }
  }

  /** Forgets a removed object. */
  remove(object: MockObject): void {
    const uid = object.metadata.uid;
    if (!uid) return;
    this.#byUid.delete(uid);
    for (const owner of ownerUids(object)) this.#unlink(owner, uid);
  }

  /** Where the object with this uid is stored, if it is. */
  find(uid: string): StoredAt | undefined {
    return this.#byUid.get(uid);
  }

  /** The uids of the objects whose ownerReferences name `owner`. */
  dependents(owner: string): string[] {
    return [...(this.#dependents.get(owner) ?? [])];
  }

  #unlink(owner: string, dependent: string): void {
    const set = this.#dependents.get(owner);
    if (!set) return;
    set.delete(dependent);
    if (set.size === 0) this.#dependents.delete(owner);
  }
}

function ownerUids(object: MockObject | undefined): Set<string> {
  const out = new Set<string>();
  const refs = object?.metadata.ownerReferences;
  if (Array.isArray(refs)) for (const r of refs) if (isPlainObject(r) && typeof r.uid === 'string') out.add(r.uid);
  return out;
}
