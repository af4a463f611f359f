import type { Store, StoreTransaction } from '@innominatus/core';
import { sharedStoreName, sharedUids, type SharedRef } from './shared-resources';
import type { ScoreSpec } from './score-spec';

/**
 * The index of shared resources, kept in the spec store beside the specs:
 * one entry per shared resource (per Score UID) naming where the store keeps
 * it and the applications whose specs declare it. Entry names start with
 * `#`, which no application name can, and sort before every application
 * (see {@link APPLICATIONS_AFTER}). Finding who declares a shared resource
 * reads its entry, not every spec.
 */
export const INDEX_PREFIX = '#shared-uid:';

/** Every application's name sorts after this (Score names start with a letter or digit); index entries sort before it. */
export const APPLICATIONS_AFTER = '$';

/** One shared resource in the index. */
export interface SharedEntry extends SharedRef {
  /** Its name in the shared application. */
  store: string;
  /** The applications whose specs declare it, sorted. */
  users: string[];
}

type SpecReader = Pick<Store, 'getSpec'>;
type SpecWriter = Pick<StoreTransaction, 'getSpec' | 'putSpec' | 'deleteSpec'>;

/** The index entry of shared resource `uid`, if any application declares it. */
export async function readSharedEntry(store: SpecReader, uid: string): Promise<SharedEntry | undefined> {
  const stored = await store.getSpec(INDEX_PREFIX + uid);
  return stored ? (stored.spec as unknown as SharedEntry) : undefined;
}

/** Writes an entry, or forgets it when no application declares the resource any more. */
export async function writeSharedEntry(tx: SpecWriter, entry: SharedEntry): Promise<void> {
  if (entry.users.length === 0) {
    await tx.deleteSpec(INDEX_PREFIX + entry.uid);
    return;
  }
  await tx.putSpec({ name: INDEX_PREFIX + entry.uid, spec: { ...entry, users: [...entry.users].sort() }, submittedAt: new Date().toISOString() });
}

/** The name of a shared resource in the store: the one its entry records, or a new resource's name. */
export function storeNameOf(ref: SharedRef, entry: SharedEntry | undefined): string {
  return entry?.store ?? sharedStoreName(ref);
}

/**
 * Records that `application`'s spec now declares the shared resources of
 * `spec` and no longer those only `previous` declared (`spec` undefined: the
 * spec was deleted). Called in the transaction that stores the spec.
 */
export async function updateSharedUsers(tx: SpecWriter, application: string, previous: ScoreSpec | undefined, spec: ScoreSpec | undefined): Promise<void> {
  const now = sharedUids(spec);
  const before = sharedUids(previous);
  for (const [uid, ref] of now) {
    const entry = await readSharedEntry(tx, uid);
    if (entry?.users.includes(application)) continue;
    const { name: _, ...identity } = ref;
    await writeSharedEntry(tx, { ...identity, store: storeNameOf(ref, entry), users: [...(entry?.users ?? []), application] });
  }
  for (const uid of before.keys()) {
    if (now.has(uid)) continue;
    const entry = await readSharedEntry(tx, uid);
    if (entry?.users.includes(application)) await writeSharedEntry(tx, { ...entry, users: entry.users.filter((u) => u !== application) });
  }
}
