import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isSensitive, reveal, sensitive } from '../sensitive/sensitive';
import type { RunRecord } from '../journal/types';
import type { Store } from '../store/types';
import { createFakeClock, type FakeClock } from './fake-clock';
import { describeSpecsAndTransactions } from './spec-conformance';
import { storeClockCheck } from './store-clock-check';

// The clock a harness's `open` is given, so a harness needs no second import.
export { createFakeClock } from './fake-clock';
export type { FakeClock } from './fake-clock';

/** One opened store for one conformance test. */
export interface StoreHarness {
  store: Store;
  /** Opens a second handle on the same data (another connection or process view). Defaults to `store` itself. */
  peer?: () => Promise<Store>;
  /** Everything the store holds, read raw from its tables or memory, as text. */
  rawText(): Promise<string>;
  /** Closes every handle and removes the data. */
  close(): Promise<void>;
}

/** What a store promises beyond the common contract. */
export interface StoreConformanceOptions {
  /** `onWork` listeners of a peer handle are woken by writes of another handle (PostgreSQL LISTEN/NOTIFY). */
  crossInstanceWake?: boolean;
  /**
   * A peer handle may wait for a transaction another handle holds without
   * blocking it (PostgreSQL; not SQLite in one process, where the wait for
   * the file's lock blocks the thread).
   */
  concurrentPeers?: boolean;
}

function run(runId: string): RunRecord {
  const at = '2026-01-01T00:00:00.000Z';
  return {
    runId,
    workflow: { name: 'wf', steps: [] } as unknown as RunRecord['workflow'],
    parameters: { size: 1, secret: { $sensitive: 'v1:abc' } },
    context: { resource: { id: 'r1' } },
    status: 'running',
    attempt: 1,
    createdAt: at,
    updatedAt: at,
  };
}

/**
 * The store contract as a vitest suite: run it against every {@link Store}
 * implementation. `open` is called before each test and must return an empty
 * store of its own that stamps rows and decides lease expiry by `clock` (its
 * peers too): the suite moves that clock to let leases lapse and attempts
 * fall due, so no test waits on the machine's clock. The suite's first test
 * checks that the store (and its peer) stamps rows by that clock; when it
 * does not, every later test fails with the same message, which names the fix.
 *
 * @example
 * describeStoreConformance('memory', async (clock) => {
 *   const store = new MemoryStore({ clock });
 *   return { store, rawText: async () => store.dump(), close: () => store.close() };
 * });
 */
export function describeStoreConformance(name: string, open: (clock: FakeClock) => Promise<StoreHarness>, options: StoreConformanceOptions = {}): void {
  describe(`store conformance: ${name}`, () => {
    let h: StoreHarness;
    let store: Store;
    let clock: FakeClock;
    // When the first test found the store off the clock, later tests fail with its message, not their own.
    const clockCheck = storeClockCheck();
    const peer = () => (h.peer ? h.peer() : Promise.resolve(store));
    // The harness this test opened (none when its beforeEach threw first).
    let opened: StoreHarness | undefined;
    beforeEach(async () => {
      clockCheck.guard();
      clock = createFakeClock();
      h = opened = await open(clock);
      store = h.store;
    });
    afterEach(async () => {
      const closing = opened;
      opened = undefined;
      await closing?.close();
    });

    it('stamps rows by the clock given to open(clock), the store and its peer', async () => {
      await clockCheck.run(store, clock, h.peer ? await h.peer() : undefined);
    });

    const newResource = (n: number) => ({ application: 'shop', name: `db-${n}`, type: 'postgres', properties: { size: n } });

    it('creates a resource in state requested with a create pending and one history entry', async () => {
      const r = await store.createResource({ id: 'res-1', application: 'shop', name: 'db', type: 'postgres', properties: { size: 'S', tags: ['a'] } });
      expect(r).toMatchObject({
        id: 'res-1',
        application: 'shop',
        name: 'db',
        type: 'postgres',
        state: 'requested',
        pendingOperation: 'create',
        generation: 1,
        attempts: 0,
      });
      expect(r.leaseOwner).toBeUndefined();
      const got = await store.getResource('res-1');
      expect(got?.properties).toEqual({ size: 'S', tags: ['a'] });
      expect((await store.findResource('shop', 'db'))?.id).toBe('res-1');
      expect(await store.findResource('shop', 'other')).toBeUndefined();
      expect(await store.getResource('missing')).toBeUndefined();
      const history = await store.listTransitions('res-1');
      expect(history.map((t) => [t.from, t.to])).toEqual([[undefined, 'requested']]);
      expect([r.class, r.metadata, got?.class, got?.metadata]).toEqual([undefined, undefined, undefined, undefined]);
    });

    it("keeps a resource's class and metadata as given, and refuses metadata that is not an object", async () => {
      const metadata = { annotations: { 'example.com/tier': 'gold' }, owner: 'team-a' };
      const r = await store.createResource({ id: 'res-c', application: 'shop', name: 'big', type: 'postgres', class: 'large', metadata, properties: {} });
      expect([r.class, r.metadata]).toEqual(['large', metadata]);
      const got = (await store.getResource('res-c'))!;
      expect([got.class, got.metadata]).toEqual(['large', metadata]);
      expect((await store.listResources({ application: 'shop' })).map((x) => x.class)).toEqual(['large']);
      await expect(store.createResource({ application: 'shop', name: 'x', type: 'postgres', metadata: [] as never, properties: {} })).rejects.toMatchObject({
        code: 'RESOURCE_INVALID',
        message: "resource field 'metadata' must be an object",
      });
      await expect(store.createResource({ application: 'shop', name: 'x', type: 'postgres', class: '', properties: {} })).rejects.toMatchObject({
        code: 'RESOURCE_INVALID',
      });
    });

    it('replaces and clears metadata by a patch, and refuses metadata that is not an object', async () => {
      await store.createResource({ id: 'res-m', application: 'shop', name: 'm', type: 'postgres', metadata: { owner: 'a' }, properties: {} });
      const silver = { annotations: { 'example.com/tier': 'silver' } };
      expect((await store.patchResource('res-m', {}, { metadata: silver }))!.metadata).toEqual(silver);
      expect((await store.getResource('res-m'))!.metadata).toEqual(silver);
      expect((await store.patchResource('res-m', {}, { properties: { a: 1 } }))!.metadata).toEqual(silver);
      expect((await store.patchResource('res-m', {}, { metadata: null }))!.metadata).toBeUndefined();
      expect((await store.getResource('res-m'))!.metadata).toBeUndefined();
      await expect(store.patchResource('res-m', {}, { metadata: [] as never })).rejects.toMatchObject({
        code: 'RESOURCE_INVALID',
        message: "resource field 'metadata' must be an object",
      });
    });

    it('rejects a second live resource of the same application and name, naming it', async () => {
      await store.createResource(newResource(1));
      await expect(store.createResource(newResource(1))).rejects.toMatchObject({
        code: 'RESOURCE_EXISTS',
        message: "resource 'db-1' of application 'shop' already exists",
      });
      await expect(store.createResource({ ...newResource(2), name: '' })).rejects.toMatchObject({
        code: 'RESOURCE_INVALID',
        message: 'resource field \'name\' must be a non-empty string of at most 253 characters, got ""',
      });
    });

    it('allows the name again once the resource is terminated', async () => {
      const old = await store.createResource(newResource(1));
      await store.transition(old.id, { from: 'requested', to: 'provisioning', reason: 'x' });
      await store.transition(old.id, { from: 'provisioning', to: 'active', reason: 'x' });
      await store.transition(old.id, { from: 'active', to: 'terminating', reason: 'x' });
      await store.transition(old.id, { from: 'terminating', to: 'terminated', reason: 'x', set: { pendingOperation: null } });
      const again = await store.createResource(newResource(1));
      expect(again.id).not.toBe(old.id);
      expect((await store.findResource('shop', 'db-1'))?.id).toBe(again.id);
      expect((await store.getResource(old.id))?.state).toBe('terminated');
    });

    it('lists resources by application and state in creation order', async () => {
      for (let i = 0; i < 3; i++) await store.createResource(newResource(i));
      await store.createResource({ ...newResource(9), application: 'other' });
      expect((await store.listResources({ application: 'shop' })).map((r) => r.name)).toEqual(['db-0', 'db-1', 'db-2']);
      expect((await store.listResources({ state: 'requested', limit: 2 })).length).toBe(2);
      expect(await store.listResources({ state: 'active' })).toEqual([]);
    });

    it('lists by every combination of application, type and state, with the limit applied in creation order', async () => {
      await store.createResource({ ...newResource(0), type: 'redis' });
      const b = await store.createResource(newResource(1));
      const c = await store.createResource(newResource(2));
      await store.createResource({ ...newResource(3), application: 'other' });
      await store.transition(b.id, { from: 'requested', to: 'provisioning', reason: 'x' });
      await store.transition(b.id, { from: 'provisioning', to: 'active', reason: 'x', set: { pendingOperation: null } });
      await store.transition(c.id, { from: 'requested', to: 'failed', reason: 'boom' });
      const names = async (f: Parameters<Store['listResources']>[0]) => (await store.listResources(f)).map((r) => r.name);
      expect(await names({})).toEqual(['db-0', 'db-1', 'db-2', 'db-3']);
      expect(await names({ type: 'postgres' })).toEqual(['db-1', 'db-2', 'db-3']);
      expect(await names({ type: 'redis' })).toEqual(['db-0']);
      expect(await names({ application: 'shop', type: 'postgres' })).toEqual(['db-1', 'db-2']);
      expect(await names({ application: 'shop', type: 'postgres', state: 'failed' })).toEqual(['db-2']);
      expect(await names({ application: 'other', state: 'requested' })).toEqual(['db-3']);
      expect(await names({ type: 'postgres', state: 'requested' })).toEqual(['db-3']);
      expect(await names({ state: 'requested', limit: 1 })).toEqual(['db-0']);
      expect(await names({ application: 'shop', limit: 2 })).toEqual(['db-0', 'db-1']);
      expect(await names({ type: 'mysql' })).toEqual([]);
      await expect(store.listResources({ limit: 0 })).rejects.toMatchObject({
        code: 'OPTIONS_INVALID',
        message: 'list limit must be an integer from 1 to 10000, got 0',
      });
    });

    it('pages with a cursor (the last id of a page): every resource once, in creation order, across page boundaries and with filters', async () => {
      for (let n = 0; n < 7; n++) await store.createResource({ ...newResource(n), type: n % 2 ? 'redis' : 'postgres' });
      const pages = async (filter: Parameters<Store['listResources']>[0], limit: number) => {
        const out: string[][] = [];
        let after: string | undefined;
        for (;;) {
          const page = await store.listResources({ ...filter, limit, after });
          if (page.length === 0) return out;
          out.push(page.map((r) => r.name));
          after = page[page.length - 1]!.id;
        }
      };
      expect(await pages({}, 3)).toEqual([['db-0', 'db-1', 'db-2'], ['db-3', 'db-4', 'db-5'], ['db-6']]);
      expect(await pages({}, 7)).toEqual([['db-0', 'db-1', 'db-2', 'db-3', 'db-4', 'db-5', 'db-6']]);
      expect(await pages({ type: 'postgres' }, 2)).toEqual([
        ['db-0', 'db-2'],
        ['db-4', 'db-6'],
      ]);
      expect(await pages({ type: 'redis', application: 'shop' }, 1)).toEqual([['db-1'], ['db-3'], ['db-5']]);
      expect(await store.listResources({ after: 'no-such-id' })).toEqual([]);
    });

    it('lists live or terminated resources, those with a run, and the newest first (with the cursor going back in time), filtered in the store', async () => {
      const made = [];
      for (let n = 0; n < 5; n++) made.push(await store.createResource(newResource(n)));
      // db-1 and db-3 have runs; db-3 is then deleted (terminated).
      for (const r of [made[1]!, made[3]!])
        await store.transition(r.id, { from: 'requested', to: 'provisioning', reason: 'x', set: { runId: `${r.id}:create:1` } });
      await store.transition(made[3]!.id, { from: 'provisioning', to: 'active', reason: 'x', set: { pendingOperation: null } });
      await store.transition(made[3]!.id, {
        from: 'active',
        to: 'terminating',
        reason: 'x',
        set: { pendingOperation: 'delete', runId: `${made[3]!.id}:delete:2` },
      });
      await store.transition(made[3]!.id, { from: 'terminating', to: 'terminated', reason: 'x', set: { pendingOperation: null } });
      const names = async (f: Parameters<Store['listResources']>[0]) => (await store.listResources(f)).map((r) => r.name);
      expect(await names({ live: true })).toEqual(['db-0', 'db-1', 'db-2', 'db-4']);
      expect(await names({ live: false })).toEqual(['db-3']);
      expect(await names({ withRun: true })).toEqual(['db-1', 'db-3']);
      expect(await names({ withRun: false })).toEqual(['db-0', 'db-2', 'db-4']);
      expect(await names({ withRun: true, live: true })).toEqual(['db-1']);
      expect(await names({ order: 'newest' })).toEqual(['db-4', 'db-3', 'db-2', 'db-1', 'db-0']);
      expect(await names({ order: 'newest', live: true, limit: 2 })).toEqual(['db-4', 'db-2']);
      expect(await names({ order: 'newest', after: made[2]!.id })).toEqual(['db-1', 'db-0']);
      expect(await names({ order: 'newest', withRun: true, after: made[3]!.id })).toEqual(['db-1']);
      expect(await names({ order: 'newest', after: 'no-such-id' })).toEqual([]);
    });

    it("filters by the status of each resource's current run in the store, with the cursor correct at page boundaries", async () => {
      const made = [];
      for (let n = 0; n < 8; n++) made.push(await store.createResource(newResource(n)));
      // db-0 has no run; db-7's run id names no stored run; db-6's run went from running to failed.
      const statuses = [undefined, 'running', 'failed', 'running', 'succeeded', 'running', 'running', 'running'] as const;
      for (const [n, status] of statuses.entries()) {
        if (status === undefined) continue;
        const runId = `${made[n]!.id}:create:1`;
        await store.transition(made[n]!.id, { from: 'requested', to: 'provisioning', reason: 'x', set: { runId } });
        if (n !== 7) await store.createRun({ ...run(runId), status });
      }
      await store.updateRun(`${made[6]!.id}:create:1`, { status: 'failed' });
      const names = async (f: Parameters<Store['listResources']>[0]) => (await store.listResources(f)).map((r) => r.name);
      expect(await names({ runStatus: 'running' })).toEqual(['db-1', 'db-3', 'db-5']);
      expect(await names({ runStatus: 'failed', order: 'newest' })).toEqual(['db-6', 'db-2']);
      expect(await names({ runStatus: 'succeeded' })).toEqual(['db-4']);
      expect(await names({ runStatus: 'cancelled' })).toEqual([]);
      expect(await names({ runStatus: 'running', application: 'other' })).toEqual([]);
      const pages = async (limit: number) => {
        const out: string[][] = [];
        let after: string | undefined;
        for (;;) {
          const page = await store.listResources({ runStatus: 'running', order: 'newest', limit, after });
          if (page.length === 0) return out;
          out.push(page.map((r) => r.name));
          after = page.at(-1)!.id;
        }
      };
      expect(await pages(1)).toEqual([['db-5'], ['db-3'], ['db-1']]);
      expect(await pages(2)).toEqual([['db-5', 'db-3'], ['db-1']]);
      expect(await pages(3)).toEqual([['db-5', 'db-3', 'db-1']]);
      // A cursor on a resource the filter does not match still marks the place.
      expect(await names({ runStatus: 'running', order: 'newest', after: made[4]!.id })).toEqual(['db-3', 'db-1']);
    });

    it("lists an application's resources together with those of other applications named by id (alsoIds), filtered and paged in the store", async () => {
      // shop: db-0, db-2, db-4; shared: db-1, db-3, db-5 (db-1 and db-5 used by shop); db-2, db-3 and db-5 have a run.
      const made = [];
      for (let n = 0; n < 6; n++) made.push(await store.createResource({ ...newResource(n), application: n % 2 ? 'shared' : 'shop' }));
      for (const n of [2, 3, 5])
        await store.transition(made[n]!.id, { from: 'requested', to: 'provisioning', reason: 'x', set: { runId: `${made[n]!.id}:create:1` } });
      const used = [made[1]!.id, made[5]!.id];
      const names = async (f: Parameters<Store['listResources']>[0]) => (await store.listResources(f)).map((r) => r.name);
      expect(await names({ application: 'shop', alsoIds: used })).toEqual(['db-0', 'db-1', 'db-2', 'db-4', 'db-5']);
      expect(await names({ application: 'shop', alsoIds: used, withRun: true, order: 'newest' })).toEqual(['db-5', 'db-2']);
      expect(await names({ application: 'shop', alsoIds: used, type: 'redis' })).toEqual([]);
      expect(await names({ application: 'shop', alsoIds: [] })).toEqual(['db-0', 'db-2', 'db-4']);
      expect(await names({ application: 'shop', alsoIds: ['no-such-id'] })).toEqual(['db-0', 'db-2', 'db-4']);
      // Without an application there is nothing to widen: every resource matches.
      expect(await names({ alsoIds: used })).toEqual(['db-0', 'db-1', 'db-2', 'db-3', 'db-4', 'db-5']);
      const pages = async (limit: number) => {
        const out: string[][] = [];
        let after: string | undefined;
        for (;;) {
          const page = await store.listResources({ application: 'shop', alsoIds: used, order: 'newest', limit, after });
          if (page.length === 0) return out;
          out.push(page.map((r) => r.name));
          after = page.at(-1)!.id;
        }
      };
      expect(await pages(2)).toEqual([['db-5', 'db-4'], ['db-2', 'db-1'], ['db-0']]);
      expect(await pages(4)).toEqual([['db-5', 'db-4', 'db-2', 'db-1'], ['db-0']]);
      // A cursor on a resource the filter does not match (db-3) still marks the place.
      expect(await names({ application: 'shop', alsoIds: used, order: 'newest', after: made[3]!.id })).toEqual(['db-2', 'db-1', 'db-0']);
      await expect(store.listResources({ application: 'shop', alsoIds: Array.from({ length: 1001 }, (_, n) => `id-${n}`) })).rejects.toMatchObject({
        code: 'OPTIONS_INVALID',
        message: 'list alsoIds must be an array of at most 1000 strings, got 1001 items',
      });
    });

    it('pages while resources are created: none repeated, none that existed before skipped, the new ones at the end', async () => {
      for (let n = 0; n < 5; n++) await store.createResource(newResource(n));
      const seen: string[] = [];
      let after: string | undefined;
      let added = 5;
      for (;;) {
        const page = await store.listResources({ limit: 2, after });
        if (page.length === 0) break;
        seen.push(...page.map((r) => r.name));
        after = page[page.length - 1]!.id;
        // Others create resources between two page reads.
        if (added < 9) await Promise.all([store.createResource(newResource(added++)), store.createResource(newResource(added++))]);
      }
      expect(seen.slice(0, 5)).toEqual(['db-0', 'db-1', 'db-2', 'db-3', 'db-4']);
      expect(new Set(seen).size).toBe(seen.length);
      expect([...seen].sort()).toEqual(['db-0', 'db-1', 'db-2', 'db-3', 'db-4', 'db-5', 'db-6', 'db-7', 'db-8']);
    });

    it('counts resources without loading them: by application, type, state and pending work (failed ones are not pending)', async () => {
      expect(await store.countResources()).toBe(0);
      const a = await store.createResource(newResource(0));
      const b = await store.createResource(newResource(1));
      const c = await store.createResource(newResource(2));
      await store.createResource({ ...newResource(3), application: 'other', type: 'redis' });
      await store.transition(b.id, { from: 'requested', to: 'provisioning', reason: 'x' });
      await store.transition(b.id, { from: 'provisioning', to: 'active', reason: 'x', set: { pendingOperation: null } });
      await store.transition(c.id, { from: 'requested', to: 'failed', reason: 'boom' });
      await store.claim('owner-a', 1, 60_000);
      expect((await store.getResource(a.id))?.leaseOwner).toBe('owner-a');
      expect(await store.countResources()).toBe(4);
      expect(await store.countResources({})).toBe(4);
      // Queue depth: queued or in flight (a is leased, db-3 is waiting), not active, not failed.
      expect(await store.countResources({ pending: true })).toBe(2);
      expect(await store.countResources({ pending: false })).toBe(2);
      expect(await store.countResources({ pending: true, application: 'shop' })).toBe(1);
      expect(await store.countResources({ state: 'failed' })).toBe(1);
      expect(await store.countResources({ state: 'failed', pending: true })).toBe(0);
      expect(await store.countResources({ state: 'requested' })).toBe(2);
      expect(await store.countResources({ application: 'shop' })).toBe(3);
      expect(await store.countResources({ type: 'redis' })).toBe(1);
      expect(await store.countResources({ application: 'shop', type: 'redis' })).toBe(0);
      // Being worked on vs waiting for a worker.
      expect(await store.countResources({ pending: true, leased: true })).toBe(1);
      expect(await store.countResources({ pending: true, leased: false })).toBe(1);
      expect(await store.countResources({ leased: false })).toBe(3);
      await store.release('owner-a', [a.id]);
      expect(await store.countResources({ pending: true, leased: false })).toBe(2);
    });

    it("releases every lease of one owner at once (a restarted instance's own leases), and no other owner's", async () => {
      const [a, b, c] = [await store.createResource(newResource(1)), await store.createResource(newResource(2)), await store.createResource(newResource(3))];
      expect((await store.claim('host-1', 2, 60_000)).map((r) => r.id)).toEqual([a.id, b.id]);
      expect((await store.claim('host-2', 1, 60_000)).map((r) => r.id)).toEqual([c.id]);
      expect(await store.releaseAll('host-1')).toBe(2);
      expect([(await store.getResource(a.id))?.leaseOwner, (await store.getResource(b.id))?.leaseOwner, (await store.getResource(c.id))?.leaseOwner]).toEqual([
        undefined,
        undefined,
        'host-2',
      ]);
      expect((await store.claim('host-1', 5, 60_000)).map((r) => r.id)).toEqual([a.id, b.id]);
      expect(await store.releaseAll('nobody')).toBe(0);
    });

    it('changes state only from the expected state, keeping the history with reasons', async () => {
      const r = await store.createResource(newResource(1));
      expect(await store.transition(r.id, { from: 'active', to: 'updating', reason: 'x' })).toBeUndefined();
      const moved = await store.transition(r.id, { from: 'requested', to: 'provisioning', reason: 'claimed by a', set: { runId: 'run-1' } });
      expect(moved).toMatchObject({ state: 'provisioning', runId: 'run-1', pendingOperation: 'create' });
      const done = await store.transition(r.id, { from: 'provisioning', to: 'active', reason: 'workflow succeeded', set: { pendingOperation: null } });
      expect(done?.pendingOperation).toBeUndefined();
      const history = await store.listTransitions(r.id);
      expect(history.map((t) => `${t.from ?? '-'}>${t.to}:${t.reason}`)).toEqual([
        '->requested:create requested',
        'requested>provisioning:claimed by a',
        'provisioning>active:workflow succeeded',
      ]);
      expect(Number.isNaN(Date.parse(history[2]!.at))).toBe(false);
    });

    it('makes owner-conditional writes fail once the lease is lost', async () => {
      const r = await store.createResource(newResource(1));
      await store.claim('a', 10, 60_000);
      expect(await store.transition(r.id, { from: 'requested', to: 'provisioning', reason: 'x', owner: 'b' })).toBeUndefined();
      expect(await store.patchResource(r.id, { owner: 'b' }, { attempts: 3 })).toBeUndefined();
      expect((await store.patchResource(r.id, { owner: 'a' }, { attempts: 3 }))?.attempts).toBe(3);
      expect((await store.transition(r.id, { from: 'requested', to: 'provisioning', reason: 'x', owner: 'a' }))?.state).toBe('provisioning');
      expect(await store.patchResource(r.id, { idle: true }, { attempts: 4 })).toBeUndefined();
      expect(await store.patchResource(r.id, { state: ['active', 'failed'] }, { attempts: 4 })).toBeUndefined();
    });

    const lost = (resourceId: string, epoch: number) => ({
      code: 'LEASE_LOST',
      retryable: false,
      message: `write refused: the lease of epoch ${epoch} on resource '${resourceId}' is no longer held (it lapsed or the resource was claimed again); this run must stop`,
    });
    const started = (runId: string) => ({
      runId,
      index: 0,
      name: 'apply',
      type: 'test/apply',
      status: 'started' as const,
      attempt: 1,
      startedAt: '2026-01-01T00:00:00.000Z',
    });

    it('starts a new lease epoch with every claim and refuses every journal and resource write of an earlier epoch with LEASE_LOST', async () => {
      const r = await store.createResource(newResource(1));
      expect(r.leaseEpoch).toBeUndefined();
      const [a] = await store.claim('a', 1, 60_000);
      expect(a!.leaseEpoch).toEqual(expect.any(Number));
      const fenceA = { resourceId: r.id, epoch: a!.leaseEpoch! };
      // The holder's writes land.
      await store.createRun(run('run-f'), fenceA);
      await store.putStep(started('run-f'), fenceA);
      await store.updateRun('run-f', { attempt: 2 }, fenceA);
      expect((await store.patchResource(r.id, { epoch: fenceA.epoch }, { attempts: 1 }))?.attempts).toBe(1);
      // A heartbeat extends the lease and keeps its epoch.
      expect(await store.heartbeat('a', [r.id], 60_000)).toEqual([r.id]);
      await store.putStep(started('run-f'), fenceA);
      // Another replica claims the resource (here after a release; an expired lease is the same): a new epoch.
      await store.release('a', [r.id]);
      const [b] = await (await peer()).claim('b', 1, 60_000);
      expect(b!.leaseEpoch).toBe(fenceA.epoch + 1);
      expect((await store.getResource(r.id))?.leaseEpoch).toBe(fenceA.epoch + 1);
      await expect(store.createRun(run('run-g'), fenceA)).rejects.toMatchObject(lost(r.id, fenceA.epoch));
      await expect(store.updateRun('run-f', { status: 'failed' }, fenceA)).rejects.toMatchObject(lost(r.id, fenceA.epoch));
      await expect(store.putStep({ ...started('run-f'), status: 'succeeded', endedAt: '2026-01-01T00:00:01.000Z' }, fenceA)).rejects.toMatchObject(
        lost(r.id, fenceA.epoch),
      );
      await expect(store.transition(r.id, { from: 'requested', to: 'provisioning', reason: 'stale', epoch: fenceA.epoch })).rejects.toMatchObject(
        lost(r.id, fenceA.epoch),
      );
      await expect(store.patchResource(r.id, { epoch: fenceA.epoch }, { attempts: 9 })).rejects.toMatchObject(lost(r.id, fenceA.epoch));
      // Nothing of the stale holder landed.
      expect(await store.getRun('run-g')).toBeUndefined();
      expect(await store.getRun('run-f')).toMatchObject({ status: 'running', attempt: 2 });
      expect((await store.listSteps('run-f')).map((x) => x.status)).toEqual(['started']);
      expect(await store.getResource(r.id)).toMatchObject({ state: 'requested', attempts: 1, leaseOwner: 'b' });
      expect((await store.listTransitions(r.id)).map((t) => t.to)).toEqual(['requested']);
      // The new holder's writes land.
      const fenceB = { resourceId: r.id, epoch: b!.leaseEpoch! };
      await store.putStep({ ...started('run-f'), status: 'succeeded', endedAt: '2026-01-01T00:00:02.000Z' }, fenceB);
      expect((await store.transition(r.id, { from: 'requested', to: 'provisioning', reason: 'b', epoch: fenceB.epoch }))?.state).toBe('provisioning');
      expect((await store.listSteps('run-f')).map((x) => x.status)).toEqual(['succeeded']);
    });

    it('refuses a fenced write once its lease lapsed or was released, but not a fenced write whose other conditions fail', async () => {
      const r = await store.createResource(newResource(1));
      const [a] = await store.claim('a', 1, 1);
      const fence = { resourceId: r.id, epoch: a!.leaseEpoch! };
      await store.createRun(run('run-late'));
      // The 1 ms lease has lapsed 30 ms later, though nobody claimed the resource again.
      await clock.advance(30);
      await expect(store.putStep(started('run-late'), fence)).rejects.toMatchObject(lost(r.id, fence.epoch));
      await expect(store.putStep(started('run-late'), { resourceId: 'no-such-resource', epoch: 1 })).rejects.toMatchObject(lost('no-such-resource', 1));
      const [again] = await store.claim('a', 1, 60_000);
      const held = { resourceId: r.id, epoch: again!.leaseEpoch! };
      expect(held.epoch).toBe(fence.epoch + 1);
      // With the lease held, a state that does not match is the usual "no", and a missing run the usual RUN_NOT_FOUND.
      expect(await store.transition(r.id, { from: 'active', to: 'updating', reason: 'x', epoch: held.epoch })).toBeUndefined();
      expect(await store.patchResource(r.id, { epoch: held.epoch, idle: true }, { attempts: 2 })).toBeUndefined();
      await expect(store.updateRun('run-missing', { status: 'failed' }, held)).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
      await store.release('a', [r.id]);
      await expect(store.updateRun('run-late', { status: 'failed' }, held)).rejects.toMatchObject(lost(r.id, held.epoch));
      expect((await store.getRun('run-late'))?.status).toBe('running');
      expect(await store.listSteps('run-late')).toEqual([]);
    });

    it('claims in batches, oldest first, and never hands a leased resource to another owner', async () => {
      for (let i = 0; i < 5; i++) await store.createResource(newResource(i));
      const a = await store.claim('a', 3, 60_000);
      expect(a.map((r) => r.name)).toEqual(['db-0', 'db-1', 'db-2']);
      expect(a.every((r) => r.leaseOwner === 'a' && Date.parse(r.leaseExpiresAt!) === clock.now() + 60_000)).toBe(true);
      const other = await peer();
      const b = await other.claim('b', 10, 60_000);
      expect(b.map((r) => r.name)).toEqual(['db-3', 'db-4']);
      expect(await store.claim('c', 10, 60_000)).toEqual([]);
    });

    it('never gives one resource to two concurrent claimers', async () => {
      for (let i = 0; i < 60; i++) await store.createResource(newResource(i));
      const handles = [store, await peer(), await peer()];
      const got: string[][] = [[], [], [], [], [], []];
      await Promise.all(
        got.map(async (mine, k) => {
          for (;;) {
            const batch = await handles[k % handles.length]!.claim(`owner-${k}`, 4, 60_000);
            if (batch.length === 0) return;
            mine.push(...batch.map((r) => r.id));
          }
        }),
      );
      const all = got.flat();
      expect(all.length).toBe(60);
      expect(new Set(all).size).toBe(60);
    });

    it('makes an expired lease claimable by another owner', async () => {
      const r = await store.createResource(newResource(1));
      await store.claim('a', 1, 150);
      await clock.advance(149);
      expect(await store.claim('b', 1, 150)).toEqual([]);
      await clock.advance(101);
      const b = await store.claim('b', 1, 60_000);
      expect(b.map((x) => [x.id, x.leaseOwner])).toEqual([[r.id, 'b']]);
      expect(await store.heartbeat('a', [r.id], 60_000)).toEqual([]);
    });

    it('extends a lease on heartbeat, only for its owner', async () => {
      const r = await store.createResource(newResource(1));
      await store.claim('a', 1, 300);
      await clock.advance(150);
      expect(await store.heartbeat('a', [r.id, 'missing'], 1_000)).toEqual([r.id]);
      expect(await store.heartbeat('b', [r.id], 1_000)).toEqual([]);
      // Past the first lease's end, within the extended one.
      await clock.advance(300);
      expect(await store.claim('b', 1, 1_000)).toEqual([]);
      await clock.advance(700);
      expect((await store.claim('b', 1, 1_000)).map((x) => x.leaseOwner)).toEqual(['b']);
    });

    it('releases a lease so another owner can claim at once; a release by a non-owner does nothing', async () => {
      const r = await store.createResource(newResource(1));
      await store.claim('a', 1, 60_000);
      await store.release('b', [r.id]);
      expect(await store.claim('b', 1, 60_000)).toEqual([]);
      await store.release('a', [r.id]);
      expect((await store.claim('b', 1, 60_000)).map((x) => x.leaseOwner)).toEqual(['b']);
    });

    it('does not claim failed resources, idle resources, or ones waiting for their next attempt', async () => {
      const failed = await store.createResource(newResource(1));
      await store.transition(failed.id, { from: 'requested', to: 'failed', reason: 'boom' });
      const idle = await store.createResource(newResource(2));
      await store.patchResource(idle.id, {}, { pendingOperation: null });
      const later = await store.createResource(newResource(3));
      await store.patchResource(later.id, {}, { nextAttemptAt: new Date(clock.now() + 300).toISOString() });
      expect(await store.claim('a', 10, 60_000)).toEqual([]);
      await clock.advance(299);
      expect(await store.claim('a', 10, 60_000)).toEqual([]);
      await clock.advance(1);
      expect((await store.claim('a', 10, 60_000)).map((r) => r.id)).toEqual([later.id]);
    });

    it('seals sensitive outputs and properties: readable through the store, ciphertext in the raw rows', async () => {
      const r = await store.createResource({ ...newResource(1), properties: { size: 'S', token: sensitive('prop-secret-4711') } });
      await store.patchResource(
        r.id,
        {},
        { outputs: { host: 'db.local', password: sensitive('out-secret-0815'), nested: { list: [sensitive({ k: 'deep-secret-42' })] } } },
      );
      const got = await store.getResource(r.id);
      expect(got?.outputs?.host).toBe('db.local');
      expect(isSensitive(got?.outputs?.password)).toBe(true);
      expect(reveal(got?.outputs?.password)).toBe('out-secret-0815');
      expect(reveal((got!.outputs!.nested as { list: unknown[] }).list[0])).toEqual({ k: 'deep-secret-42' });
      expect(reveal(got?.properties.token)).toBe('prop-secret-4711');
      const raw = await h.rawText();
      expect(raw).toContain('db.local');
      expect(raw).toContain('$sensitive');
      for (const secret of ['out-secret-0815', 'deep-secret-42', 'prop-secret-4711']) expect(raw).not.toContain(secret);
    });

    it('round-trips run journals', async () => {
      await store.createRun(run('run-a'));
      await expect(store.createRun(run('run-a'))).rejects.toMatchObject({ code: 'RUN_EXISTS', retryable: false });
      await store.updateRun('run-a', {
        status: 'succeeded',
        outputs: { host: 'h', pw: { $sensitive: 'v1:x' } },
        attempt: 2,
        updatedAt: '2026-01-01T00:00:01.000Z',
      });
      await expect(store.updateRun('run-missing', { status: 'failed' })).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
      expect(await store.getRun('run-a')).toEqual({
        ...run('run-a'),
        status: 'succeeded',
        outputs: { host: 'h', pw: { $sensitive: 'v1:x' } },
        attempt: 2,
        updatedAt: '2026-01-01T00:00:01.000Z',
      });
      expect(await store.getRun('run-missing')).toBeUndefined();
      const step = { runId: 'run-a', index: 1, name: 'wait', type: 'test/wait', status: 'started' as const, attempt: 1, startedAt: '2026-01-01T00:00:00.500Z' };
      await store.putStep({
        runId: 'run-a',
        index: 0,
        name: 'apply',
        type: 'test/apply',
        status: 'succeeded',
        attempt: 1,
        outputs: { uid: 'u1' },
        startedAt: '2026-01-01T00:00:00.000Z',
        endedAt: '2026-01-01T00:00:00.100Z',
      });
      await store.putStep(step);
      await store.putStep({
        ...step,
        status: 'failed',
        attempt: 2,
        error: { code: 'STEP_FAILED', message: 'boom', step: 'wait', retryable: true },
        endedAt: '2026-01-01T00:00:00.900Z',
      });
      await expect(store.putStep({ ...step, runId: 'run-missing' })).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
      const steps = await store.listSteps('run-a');
      expect(steps.map((s) => [s.index, s.name, s.status, s.attempt])).toEqual([
        [0, 'apply', 'succeeded', 1],
        [1, 'wait', 'failed', 2],
      ]);
      expect(steps[0]).toEqual({
        runId: 'run-a',
        index: 0,
        name: 'apply',
        type: 'test/apply',
        status: 'succeeded',
        attempt: 1,
        outputs: { uid: 'u1' },
        startedAt: '2026-01-01T00:00:00.000Z',
        endedAt: '2026-01-01T00:00:00.100Z',
      });
      expect(steps[1]!.error).toEqual({ code: 'STEP_FAILED', message: 'boom', step: 'wait', retryable: true });
      expect(steps[1]!.memo).toBeUndefined();
      await store.putStep({ ...step, memo: { password: { $sensitive: 'v1:y' }, round: 2 } });
      expect((await store.listSteps('run-a'))[1]!.memo).toEqual({ password: { $sensitive: 'v1:y' }, round: 2 });
      await store.putStep({ ...step, status: 'succeeded', outputs: { ok: true } });
      expect((await store.listSteps('run-a'))[1]).toEqual({ ...step, status: 'succeeded', outputs: { ok: true } });
      expect(await store.listSteps('run-missing')).toEqual([]);
    });

    it('wakes onWork listeners when work is created and stops after unsubscribe', async () => {
      let woken = 0;
      const off = store.onWork(() => woken++);
      await store.createResource(newResource(1));
      await vi.waitFor(() => expect(woken).toBeGreaterThanOrEqual(1), { timeout: 5_000, interval: 10 });
      off();
      const before = woken;
      // A listener still subscribed is woken by the same write: once it has been, the unsubscribed one would have been too.
      let witness = 0;
      const offWitness = store.onWork(() => witness++);
      await store.createResource(newResource(2));
      await vi.waitFor(() => expect(witness).toBeGreaterThanOrEqual(1), { timeout: 5_000, interval: 10 });
      offWitness();
      expect(woken).toBe(before);
    });

    describeSpecsAndTransactions(
      () => store,
      () => h.rawText(),
      options.concurrentPeers ? peer : undefined,
      options.crossInstanceWake === true,
    );

    if (options.crossInstanceWake) {
      it('wakes listeners of another handle on the same data', async () => {
        const other = await peer();
        let woken = 0;
        const off = other.onWork(() => woken++);
        // The peer's subscription is set up asynchronously (LISTEN): write until a write wakes it, however long that takes.
        let n = 0;
        await vi.waitFor(
          async () => {
            await store.createResource(newResource(n++));
            expect(woken).toBeGreaterThanOrEqual(1);
          },
          { timeout: 10_000, interval: 50 },
        );
        off();
      });
    }
  });
}
