import type { Store } from '@innominatus/core';
import { DEFAULT_CLASS } from './resource-uid';
import { APPLICATIONS_AFTER, writeSharedEntry, type SharedEntry } from './shared-index';
import { SHARED_APPLICATION, SHARED_LOCK, sharedStoreName, sharedUids } from './shared-resources';
import { storedScore } from './stored-score';

/** The spec store entry saying the shared index has been built (its value: the layout's version). */
export const INDEX_MARKER = '#shared-index';
const PAGE = 500;

/**
 * Builds the index of shared resources once, from the stored specs, for a
 * store written before the index existed: each shared resource gets an entry
 * with the applications declaring it. A shared resource made then is
 * resource `<id>` of the shared application; its entry keeps that name, so
 * the provider goes on seeing the same resource. Runs under the shared lock;
 * a store already indexed is left as it is. Returns how many entries it
 * wrote (0 when there was nothing to do).
 */
export async function migrateSharedIndex(store: Store): Promise<number> {
  return store.transaction(SHARED_LOCK, async (tx) => {
    if (await tx.getSpec(INDEX_MARKER)) return 0;
    const entries = new Map<string, SharedEntry>();
    for (let after = APPLICATIONS_AFTER; ; ) {
      const page = await tx.listSpecs({ after, limit: PAGE });
      for (const summary of page) {
        const spec = (await storedScore(tx, summary.name))?.spec;
        for (const [uid, { name: _, ...ref }] of sharedUids(spec)) {
          const entry = entries.get(uid) ?? { ...ref, store: sharedStoreName(ref), users: [] };
          entry.users.push(summary.name);
          entries.set(uid, entry);
        }
      }
      if (page.length < PAGE) break;
      after = page.at(-1)!.name;
    }
    for (const entry of entries.values()) {
      const legacy = await tx.findResource(SHARED_APPLICATION, entry.id);
      if (legacy && legacy.type === entry.type && (legacy.class ?? DEFAULT_CLASS) === entry.class) entry.store = entry.id;
      await writeSharedEntry(tx, entry);
    }
    await tx.putSpec({ name: INDEX_MARKER, spec: { version: 1 }, submittedAt: new Date().toISOString() });
    return entries.size;
  });
}
