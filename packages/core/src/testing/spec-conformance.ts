import { expect, it } from 'vitest';
import { MAX_SPEC_BYTES } from '../store/validate';
import type { Store, StoredSpec } from '../store/types';

const AT = '2026-01-01T00:00:00.000Z';

/** A spec asking for resources named `resources` (in this order). */
function specWith(name: string, resources: string[], extra: Record<string, unknown> = {}): StoredSpec {
  return {
    name,
    submittedAt: AT,
    spec: { metadata: { name }, resources: Object.fromEntries(resources.map((r) => [r, { type: 'postgres' }])), ...extra },
  };
}

/** Runs the microtasks and I/O callbacks queued so far (wake-ups are microtasks). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/**
 * The spec and transaction part of the store contract, registered inside
 * `describeStoreConformance` (`current` gives the store of the running test,
 * `raw` everything it holds as text, `peer` a second handle on the same data
 * that may wait for a transaction of the first; with `crossInstanceWake`,
 * the wake-up of a write before a transaction may arrive during it).
 */
export function describeSpecsAndTransactions(
  current: () => Store,
  raw: () => Promise<string>,
  peer: (() => Promise<Store>) | undefined,
  crossInstanceWake: boolean,
): void {
  const newResource = (name: string) => ({ application: 'shop', name, type: 'postgres', properties: { size: 'S' } });

  it('keeps specs: put, get, pages in byte order of names with sorted resource names, delete', async () => {
    const store = current();
    await store.transaction('all', async (tx) => {
      for (const [name, resources] of [
        ['c', ['db']],
        ['a', []],
        ['b-x', ['z', 'y']],
        ['b', ['cache', 'b-db']],
        ['Z', ['q']],
      ] as const) {
        await tx.putSpec(specWith(name, [...resources]));
      }
    });
    expect(await store.getSpec('b')).toEqual(specWith('b', ['cache', 'b-db']));
    expect(await store.getSpec('nope')).toBeUndefined();
    expect(await store.listSpecs({ limit: 2 })).toEqual([
      { name: 'Z', submittedAt: AT, resources: ['q'] },
      { name: 'a', submittedAt: AT, resources: [] },
    ]);
    expect((await store.listSpecs({ after: 'a', limit: 2 })).map((s) => [s.name, s.resources])).toEqual([
      ['b', ['b-db', 'cache']],
      ['b-x', ['y', 'z']],
    ]);
    expect(await store.listSpecs({ after: 'c', limit: 2 })).toEqual([]);
    await store.transaction('b', async (tx) => {
      await tx.putSpec({ ...specWith('b', ['new']), submittedAt: '2026-01-02T00:00:00.000Z' });
      expect(await tx.getSpec('b')).toEqual({ ...specWith('b', ['new']), submittedAt: '2026-01-02T00:00:00.000Z' });
      expect(await tx.deleteSpec('c')).toBe(true);
      expect(await tx.deleteSpec('c')).toBe(false);
      expect((await tx.listSpecs({ limit: 10 })).map((x) => [x.name, x.resources])).toEqual([
        ['Z', ['q']],
        ['a', []],
        ['b', ['new']],
        ['b-x', ['y', 'z']],
      ]);
    });
    expect((await store.listSpecs({ limit: 10 })).map((s) => [s.name, s.resources, s.submittedAt])).toEqual([
      ['Z', ['q'], AT],
      ['a', [], AT],
      ['b', ['new'], '2026-01-02T00:00:00.000Z'],
      ['b-x', ['y', 'z'], AT],
    ]);
    await expect(store.listSpecs({ limit: 0 })).rejects.toMatchObject({ code: 'OPTIONS_INVALID' });
  });

  it('refuses a spec that is too large or not an object, naming it, and stores nothing of the transaction', async () => {
    const store = current();
    const big = specWith('shop', [], { blob: 'x'.repeat(MAX_SPEC_BYTES) });
    await expect(
      store.transaction('shop', async (tx) => {
        await tx.createResource(newResource('db'));
        await tx.putSpec(big);
      }),
    ).rejects.toMatchObject({
      code: 'SPEC_INVALID',
      message: expect.stringMatching(new RegExp(`^spec 'shop' is \\d+ bytes of JSON; the limit is ${MAX_SPEC_BYTES}$`)),
    });
    await expect(
      store.transaction('shop', (tx) => tx.putSpec({ name: 'shop', submittedAt: AT, spec: [] as unknown as StoredSpec['spec'] })),
    ).rejects.toMatchObject({
      code: 'SPEC_INVALID',
      message: "spec 'shop' must be an object",
    });
    expect(await store.findResource('shop', 'db')).toBeUndefined();
    expect(await store.getSpec('shop')).toBeUndefined();
  });

  it('stores nothing of a transaction whose function throws between its spec and resource writes', async () => {
    const store = current();
    const kept = await store.createResource({ ...newResource('kept'), id: 'kept-1' });
    await store.transaction('shop', (tx) => tx.putSpec(specWith('shop', ['kept'])));
    const injected = new Error('injected between the spec and the resources');
    const outcome = store.transaction('shop', async (tx) => {
      await tx.putSpec(specWith('shop', ['kept', 'db', 'cache'], { marker: 'uncommitted-spec' }));
      await tx.createResource({ ...newResource('db'), id: 'db-1', properties: { marker: 'uncommitted-resource' } });
      await tx.patchResource('kept-1', { state: 'requested' }, { properties: { size: 'XL' } });
      await tx.transition('kept-1', { from: 'requested', to: 'provisioning', reason: 'in the transaction' });
      throw injected;
    });
    await expect(outcome).rejects.toBe(injected);
    expect(await store.getSpec('shop')).toEqual(specWith('shop', ['kept']));
    expect(await store.getResource('db-1')).toBeUndefined();
    expect(await store.findResource('shop', 'db')).toBeUndefined();
    expect((await store.listResources({ application: 'shop' })).map((r) => r.id)).toEqual(['kept-1']);
    expect(await store.getResource('kept-1')).toEqual(kept);
    expect((await store.listTransitions('kept-1')).map((t) => t.to)).toEqual(['requested']);
    expect(await store.listTransitions('db-1')).toEqual([]);
    const text = await raw();
    expect(text).not.toContain('uncommitted-spec');
    expect(text).not.toContain('uncommitted-resource');
  });

  it('commits spec and resources together; a refused write inside leaves the transaction usable', async () => {
    const store = current();
    await store.createResource({ ...newResource('db'), id: 'db-1' });
    let woken = 0;
    const off = store.onWork(() => woken++);
    const result = await store.transaction('shop', async (tx) => {
      await expect(tx.createResource(newResource('db'))).rejects.toMatchObject({ code: 'RESOURCE_EXISTS' });
      expect((await tx.findResource('shop', 'db'))?.id).toBe('db-1');
      const cache = await tx.createResource({ ...newResource('cache'), id: 'cache-1' });
      await tx.putSpec(specWith('shop', ['db', 'cache']));
      await settle();
      // Across processes, the notification of the create before the transaction may arrive at any time.
      if (!crossInstanceWake) expect(woken).toBe(0);
      expect((await tx.listResources({ application: 'shop' })).map((r) => r.id)).toEqual(['db-1', 'cache-1']);
      return cache.state;
    });
    expect(result).toBe('requested');
    await expect.poll(() => woken, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    off();
    expect((await store.getResource('cache-1'))?.pendingOperation).toBe('create');
    expect((await store.listTransitions('cache-1')).map((t) => t.reason)).toEqual(['create requested']);
    expect((await store.getSpec('shop'))?.spec.resources).toEqual({ db: { type: 'postgres' }, cache: { type: 'postgres' } });
  });

  it('refuses the calls of a transaction that has ended', async () => {
    const store = current();
    let kept: Parameters<Parameters<Store['transaction']>[1]>[0] | undefined;
    await store.transaction('shop', async (tx) => {
      kept = tx;
    });
    await expect(kept!.putSpec(specWith('shop', []))).rejects.toMatchObject({ code: 'TRANSACTION_ENDED' });
    await expect(kept!.getSpec('shop')).rejects.toMatchObject({ code: 'TRANSACTION_ENDED' });
    expect(await store.getSpec('shop')).toBeUndefined();
  });

  it(`runs transactions on one application one at a time${peer ? ', also from another handle' : ''}`, async () => {
    const store = current();
    const other = peer ? await peer() : store;
    await store.transaction('shop', (tx) => tx.putSpec(specWith('shop', [], { count: 0 })));
    const increment = (s: Store, hold?: Promise<void>) =>
      s.transaction('shop', async (tx) => {
        const count = (await tx.getSpec('shop'))!.spec.count as number;
        await hold;
        await tx.putSpec(specWith('shop', [], { count: count + 1 }));
      });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = increment(store, held);
    const second = increment(other);
    const third = increment(store);
    // Several locks at once: this one waits for the three above, as it holds 'shop' too.
    const fourth = store.transaction(['#all', 'shop', 'shop'], async (tx) => {
      const count = (await tx.getSpec('shop'))!.spec.count as number;
      await tx.putSpec(specWith('shop', [], { count: count + 1 }));
    });
    await settle();
    release();
    await Promise.all([first, second, third, fourth]);
    expect((await store.getSpec('shop'))!.spec.count).toBe(4);
  });
}
