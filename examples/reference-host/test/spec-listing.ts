import { expect } from 'vitest';
import type { SpecStore, StoredSpec } from '../src/spec-store';

/** A stored spec asking for resources named `resources` (in this order). */
export const specWith = (name: string, resources: string[]): StoredSpec => ({
  name,
  submittedAt: '2026-01-01T00:00:00.000Z',
  spec: {
    apiVersion: 'score.dev/v1b1',
    metadata: { name },
    containers: { main: { image: 'x' } },
    resources: Object.fromEntries(resources.map((r) => [r, { type: 'postgres' }])),
  },
});

/** Listing in name order, page by page, with resource names sorted: the same for every spec store. */
export async function checkSpecListing(store: SpecStore): Promise<void> {
  for (const [name, resources] of [
    ['c', ['db']],
    ['a', []],
    ['b-x', ['z', 'y']],
    ['b', ['cache', 'b-db']],
  ] as const) {
    await store.put(specWith(name, [...resources]));
  }
  expect(await store.list({ limit: 2 })).toEqual([
    { name: 'a', submittedAt: '2026-01-01T00:00:00.000Z', resources: [] },
    { name: 'b', submittedAt: '2026-01-01T00:00:00.000Z', resources: ['b-db', 'cache'] },
  ]);
  expect((await store.list({ after: 'b', limit: 2 })).map((s) => [s.name, s.resources])).toEqual([
    ['b-x', ['y', 'z']],
    ['c', ['db']],
  ]);
  expect(await store.list({ after: 'c', limit: 2 })).toEqual([]);
  expect(await store.delete('b')).toBe(true);
  expect(await store.delete('b')).toBe(false);
  expect((await store.list({ limit: 10 })).map((s) => s.name)).toEqual(['a', 'b-x', 'c']);
}
