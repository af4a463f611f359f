import type { Store, StoredSpec } from '@innominatus/core';
import type { ScoreSpec } from './score-spec';

/** An application's accepted Score spec, as the store keeps it. */
export interface StoredScore extends Omit<StoredSpec, 'spec'> {
  spec: ScoreSpec;
}

/** The stored Score spec of an application. The host stores only specs it validated, so the stored value is a Score spec. */
export async function storedScore(store: Pick<Store, 'getSpec'>, application: string): Promise<StoredScore | undefined> {
  return (await store.getSpec(application)) as StoredScore | undefined;
}

/** A validated Score spec in the form the store keeps, stamped `submittedAt`. */
export function toStoredSpec(spec: ScoreSpec, submittedAt: string): StoredSpec {
  return { name: spec.metadata.name, spec: spec as unknown as StoredSpec['spec'], submittedAt };
}
