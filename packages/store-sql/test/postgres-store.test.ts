import { aesGcmEncrypter, type Store } from '@innominatus/core';
import { describeStoreConformance } from '@innominatus/core/testing/store-conformance';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresStore, MIGRATIONS } from '../src/index';
import { createTestDatabase, databaseUrl, emptyTestDatabase, rawPostgresText } from '@innominatus/store-sql/testing';

databaseUrl();

// One database for the conformance tests of this file, migrated by the first
// store opened on it and emptied after each test (open() must give an empty
// store; the migrations themselves are tested below, each on a new database):
// making and migrating a database per test took about 0.6 s of the 0.7 s each.
let shared: Promise<{ url: string; drop(): Promise<void> }> | undefined;
afterAll(async () => {
  await (await shared)?.drop();
});

describeStoreConformance(
  'postgres',
  async (clock) => {
    shared ??= createTestDatabase();
    const db = await shared;
    const encrypter = aesGcmEncrypter(Buffer.alloc(32, 3));
    const store = await createPostgresStore({ connectionString: db.url, poolSize: 4, encrypter, clock });
    const peers: Store[] = [];
    return {
      store,
      peer: async () => {
        const p = await createPostgresStore({ connectionString: db.url, poolSize: 4, encrypter, clock });
        peers.push(p);
        return p;
      },
      rawText: () => rawPostgresText(db.url),
      close: async () => {
        for (const p of [store, ...peers]) await p.close();
        await emptyTestDatabase(db.url);
      },
    };
  },
  { crossInstanceWake: true, concurrentPeers: true },
);

describe('postgres store', () => {
  it('migrates once even when two replicas start together', async () => {
    const db = await createTestDatabase();
    try {
      const [a, b] = await Promise.all([createPostgresStore({ connectionString: db.url }), createPostgresStore({ connectionString: db.url })]);
      await a.close();
      await b.close();
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      expect((await c.query('SELECT version FROM innominatus_schema ORDER BY version')).rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
      await c.end();
    } finally {
      await db.drop();
    }
  });

  it('migrates a database created at version 1; claims and listing by application can use the new partial and application indexes', async () => {
    const db = await createTestDatabase();
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      await c.query('CREATE TABLE innominatus_schema (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)');
      for (const statement of MIGRATIONS[0]!.sql('postgres')) await c.query(statement);
      await c.query("INSERT INTO innominatus_schema VALUES (1, 'v1', 'x')");
      const insert = `INSERT INTO resources (id, application, name, type, properties, state, pending_operation, generation, created_at, updated_at)
        VALUES ($1, 'shop', $2, 'postgres', '{}', $3, 'create', 1, 1, 1)`;
      await c.query(insert, ['r-failed', 'a', 'failed']);
      await c.query(insert, ['r-queued', 'b', 'requested']);
      const store = await createPostgresStore({ connectionString: db.url });
      expect((await store.claim('me', 10, 60_000)).map((r) => r.id)).toEqual(['r-queued']);
      expect(await store.countResources({ pending: true })).toBe(1);
      await store.close();
      expect((await c.query('SELECT version FROM innominatus_schema ORDER BY version')).rows).toEqual([
        { version: 1 },
        { version: 2 },
        { version: 3 },
        { version: 4 },
        { version: 5 },
        { version: 6 },
        { version: 7 },
      ]);
      const indexes = (await c.query("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'resources' ORDER BY indexname")).rows;
      expect(indexes.map((i) => i.indexname)).toEqual([
        'resources_application',
        'resources_claimable',
        'resources_id_key',
        'resources_live_name',
        'resources_pkey',
        'resources_state',
        'resources_type',
      ]);
      expect(indexes[1].indexdef).toBe(
        "CREATE INDEX resources_claimable ON public.resources USING btree (seq) WHERE ((pending_operation IS NOT NULL) AND (state <> 'failed'::text))",
      );
      // With sequential scans priced out, the planner must be able to answer from the indexes.
      await c.query('SET enable_seqscan = off');
      const plan = async (sql: string) => JSON.stringify((await c.query(`EXPLAIN ${sql}`)).rows);
      expect(
        await plan(
          "SELECT id FROM resources WHERE pending_operation IS NOT NULL AND state <> 'failed' AND (lease_expires_at IS NULL OR lease_expires_at <= 5) ORDER BY seq LIMIT 5 FOR UPDATE SKIP LOCKED",
        ),
      ).toContain('resources_claimable');
      expect(await plan("SELECT * FROM resources WHERE type = 'postgres' AND seq > 10 ORDER BY seq LIMIT 50")).toContain('resources_type');
      expect(await plan("SELECT * FROM resources WHERE state = 'active' AND seq > 10 ORDER BY seq LIMIT 50")).toContain('resources_state');
      expect(await plan("SELECT * FROM resources WHERE application = 'shop' ORDER BY seq LIMIT 5")).toContain('resources_application');
    } finally {
      await c.end();
      await db.drop();
    }
  });
});
