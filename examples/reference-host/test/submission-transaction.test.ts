import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Orchestrator, type OrchestratorTransaction, type ResourceTransitionEvent, type Store, MemoryStore } from '@innominatus/core';
import { createPostgresStore, createSqliteStore } from '@innominatus/store-sql';
import { createTestDatabase, emptyTestDatabase } from '@innominatus/store-sql/testing';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applySpec } from '../src/apply-spec';
import { migrateSharedIndex } from '../src/score/shared-index-migration';
import { storedScore } from '../src/score/stored-score';
import { allSpecSummaries } from '../src/util/spec-summaries';
import { fakeServices } from './fake-services';

const spec = (resources: string) => `apiVersion: score.dev/v1b1
metadata:
  name: shop
containers:
  main:
    image: app:1
resources:
${resources}`;

const TWO = spec('  db:\n    type: postgres\n  cache:\n    type: postgres\n');

/** PostgreSQL's database, one for the file: emptied before each test (as fresh as a new database after the migrations, and cheaper). */
let postgres: Promise<{ url: string; drop(): Promise<void> }> | undefined;
afterAll(async () => {
  if (postgres) await (await postgres).drop();
});

async function emptyPostgres(): Promise<string> {
  postgres ??= createTestDatabase({ prefix: 'host_submission' });
  const db = await postgres;
  await emptyTestDatabase(db.url);
  return db.url;
}

/** Each store the host runs on: opened empty before each test, removed after. */
const backends: [string, () => Promise<{ store: Store; remove(): Promise<void> }>][] = [
  ['memory', async () => ({ store: new MemoryStore(), remove: async () => undefined })],
  [
    'SQLite',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'host-submission-'));
      const store = await createSqliteStore({ filename: join(dir, 'host.db') });
      return { store, remove: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const url = await emptyPostgres();
      return { store: await createPostgresStore({ connectionString: url, poolSize: 4 }), remove: async () => undefined };
    },
  ],
];

describe.each(backends)('a submission on %s is one transaction', (_name, open) => {
  let env: ReturnType<typeof fakeServices>;
  let remove: () => Promise<void>;
  let events: ResourceTransitionEvent[];

  beforeEach(async () => {
    const opened = await open();
    remove = opened.remove;
    env = fakeServices(1024 * 1024, opened.store);
    events = [];
    (env.services.requests as Orchestrator).events.on('resource:transition', (e) => events.push(e));
  });
  afterEach(async () => {
    await env.store.close();
    await remove();
  });

  it('stores nothing, and announces nothing, when a resource request fails after the first was made', async () => {
    const injected = new Error('injected: the second request fails');
    let calls = 0;
    env.patchTransactions((tx) => ({
      submit: async (r) => {
        if (++calls === 2) throw injected;
        return tx.submit(r);
      },
    }));
    await expect(applySpec(env.services, TWO)).rejects.toBe(injected);
    expect(calls).toBe(2);
    expect(await env.store.listResources()).toEqual([]);
    expect(await env.store.getSpec('shop')).toBeUndefined();
    expect(await env.store.listSpecs({ limit: 10 })).toEqual([]);
    expect(events).toEqual([]);
  });

  it('stores none of the new resources when the spec cannot be stored after them', async () => {
    const first = await applySpec(env.services, spec('  db:\n    type: postgres\n'));
    const before = await storedScore(env.store, 'shop');
    env.patchTransactions(() => ({
      putSpec: async () => {
        throw new Error('injected: the spec write fails');
      },
    }));
    await expect(applySpec(env.services, TWO)).rejects.toThrow('injected: the spec write fails');
    expect((await env.store.listResources()).map((r) => [r.name, r.id])).toEqual([['db', first.changes[0]!.id]]);
    expect(await storedScore(env.store, 'shop')).toEqual(before);
    expect(events.map((e) => [e.name, e.to])).toEqual([['db', 'requested']]);
  });

  it('stores the spec and every request together, and announces them after the commit', async () => {
    const result = await applySpec(env.services, TWO);
    expect(result.changes.map((c) => [c.action, c.name, c.state])).toEqual([
      ['create', 'cache', 'requested'],
      ['create', 'db', 'requested'],
    ]);
    expect((await env.store.listResources()).map((r) => r.name)).toEqual(['cache', 'db']);
    expect(await env.store.listSpecs({ limit: 10 })).toEqual([{ name: 'shop', submittedAt: expect.any(String), resources: ['cache', 'db'] }]);
    expect(events.map((e) => [e.name, e.to, e.reason])).toEqual([
      ['cache', 'requested', 'create requested'],
      ['db', 'requested', 'create requested'],
    ]);
  });

  it('reads the stored spec only under the locks, and takes the shared lock when the stored spec declares a shared resource', async () => {
    const sharing = (name: string) => spec('  db:\n    type: postgres\n    id: orders\n').replace('name: shop', `name: ${name}`);
    const plain = spec('  cache:\n    type: postgres\n');
    await applySpec(env.services, sharing('web'));
    const locks: (string | readonly string[])[] = [];
    const reads: string[] = [];
    const transaction = env.services.requests.transaction.bind(env.services.requests);
    env.services.requests.transaction = <T>(held: string | readonly string[], fn: (tx: OrchestratorTransaction) => Promise<T>) => {
      locks.push(held);
      return transaction(held, (tx) =>
        fn({
          ...tx,
          getSpec: (name) => {
            reads.push(name);
            return tx.getSpec(name);
          },
        }),
      );
    };
    const getSpec = env.store.getSpec.bind(env.store);
    const outside: string[] = [];
    env.store.getSpec = (name) => {
      outside.push(name);
      return getSpec(name);
    };
    await applySpec(env.services, sharing('shop'));
    expect(locks).toEqual([['#shared', 'shop']]);
    // The stored spec declares the shared resource, the new one does not: begun with the application's lock, made again with both.
    locks.length = 0;
    reads.length = 0;
    const result = await applySpec(env.services, plain);
    expect(locks).toEqual(['shop', ['#shared', 'shop']]);
    expect(reads.filter((name) => name === 'shop')).toEqual(['shop', 'shop']);
    expect(result.changes.map((c) => [c.action, c.name])).toEqual([['create', 'cache']]);
    expect((await env.store.getSpec('#shared-uid:postgres.default#orders'))?.spec).toMatchObject({ users: ['web'] });
    // A spec with no shared resource, stored without any: one transaction with the application's lock.
    locks.length = 0;
    await applySpec(env.services, plain);
    expect(locks).toEqual(['shop']);
    // No read of the stored spec outside a transaction (the ones here are this test's).
    expect(outside).toEqual(['#shared-uid:postgres.default#orders']);
  });

  it('keeps the index of shared resources in the same transaction, and leaves it out of the listing of applications', async () => {
    const sharing = (name: string) => spec('  db:\n    type: postgres\n    id: orders\n').replace('name: shop', `name: ${name}`);
    await applySpec(env.services, sharing('web'));
    await applySpec(env.services, sharing('worker'));
    const entry = async () => (await env.store.getSpec('#shared-uid:postgres.default#orders'))?.spec;
    expect(await entry()).toMatchObject({ store: 'postgres-orders', users: ['web', 'worker'] });
    // A submission that fails after writing the index writes nothing.
    const injected = new Error('injected: the spec cannot be stored');
    env.patchTransactions((tx) => ({
      putSpec: async (s) => {
        await tx.putSpec(s);
        if (s.name.startsWith('#')) throw injected;
      },
    }));
    await expect(applySpec(env.services, sharing('api'))).rejects.toBe(injected);
    expect(await entry()).toMatchObject({ users: ['web', 'worker'] });
    expect(await env.store.getSpec('api')).toBeUndefined();
    expect((await allSpecSummaries(env.store)).map((x) => x.name)).toEqual(['web', 'worker']);
    // Built from the specs on a store that has no marker yet, the index is the same; then it is not built again.
    expect(await migrateSharedIndex(env.store)).toBe(1);
    expect(await entry()).toMatchObject({ store: 'postgres-orders', users: ['web', 'worker'] });
    expect(await migrateSharedIndex(env.store)).toBe(0);
    expect((await allSpecSummaries(env.store)).map((x) => x.name)).toEqual(['web', 'worker']);
  });
});
