import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { aesGcmEncrypter, type Store } from '@innominatus/core';
import { describeStoreConformance } from '@innominatus/core/testing/store-conformance';
import { describe, expect, it } from 'vitest';
import { createSqliteStore, MIGRATIONS, SCHEMA_VERSION } from '../src/index';

function rawSqliteText(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    return JSON.stringify(['resources', 'resource_transitions', 'runs', 'run_steps', 'specs'].map((t) => db.prepare(`SELECT * FROM ${t}`).all()));
  } finally {
    db.close();
  }
}

describeStoreConformance('sqlite', async (clock) => {
  const dir = mkdtempSync(join(tmpdir(), 'store-sqlite-'));
  const filename = join(dir, 'store.db');
  const encrypter = aesGcmEncrypter(Buffer.alloc(32, 7));
  const store = await createSqliteStore({ filename, encrypter, clock });
  const peers: Store[] = [];
  return {
    store,
    peer: async () => {
      const p = await createSqliteStore({ filename, encrypter, clock });
      peers.push(p);
      return p;
    },
    rawText: async () => rawSqliteText(filename),
    close: async () => {
      for (const p of [store, ...peers]) await p.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('sqlite store', () => {
  it('journals the text of a workflow each of its runs ran, the same for runs of one workflow object, its own for another', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-sqlite-'));
    const filename = join(dir, 'store.db');
    try {
      const store = await createSqliteStore({ filename });
      const workflow = { apiVersion: 'innominatus.io/v1', kind: 'Workflow', metadata: { name: 'w' }, steps: [{ name: 's', type: 't', with: { n: 1 } }] };
      const other = { ...workflow, metadata: { name: 'other' } };
      const at = '2026-12-03T00:00:00.000Z';
      const run = (runId: string, wf: object) =>
        store.createRun({ runId, workflow: wf as never, parameters: {}, context: {}, status: 'running', attempt: 1, createdAt: at, updatedAt: at });
      await run('r1', workflow);
      await run('r2', workflow);
      await run('r3', other);
      // Serialised once for both of its runs.
      let serialised = 0;
      const counted = {
        toJSON() {
          serialised++;
          return workflow;
        },
      };
      await run('r4', counted);
      await run('r5', counted);
      expect(serialised).toBe(1);
      await store.close();
      const db = new Database(filename, { readonly: true });
      try {
        expect(db.prepare('SELECT run_id, workflow FROM runs ORDER BY run_id').all()).toEqual([
          { run_id: 'r1', workflow: JSON.stringify(workflow) },
          { run_id: 'r2', workflow: JSON.stringify(workflow) },
          { run_id: 'r3', workflow: JSON.stringify(other) },
          { run_id: 'r4', workflow: JSON.stringify(workflow) },
          { run_id: 'r5', workflow: JSON.stringify(workflow) },
        ]);
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('migrates once, records the version, uses WAL, and keeps sealed values across a reopen with the same key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-sqlite-'));
    const filename = join(dir, 'store.db');
    const encrypter = aesGcmEncrypter(Buffer.alloc(32, 9));
    try {
      const a = await createSqliteStore({ filename, encrypter });
      const r = await a.createResource({ application: 'app', name: 'db', type: 'postgres', properties: { size: 'M' } });
      await a.close();
      const b = await createSqliteStore({ filename, encrypter });
      expect((await b.getResource(r.id))?.properties).toEqual({ size: 'M' });
      await b.close();
      const db = new Database(filename, { readonly: true });
      expect(db.prepare('SELECT version FROM innominatus_schema ORDER BY version').all()).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('migrates a database created at version 1: the claim index leaves out failed resources, listing by application has an index', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-sqlite-'));
    const filename = join(dir, 'store.db');
    try {
      const old = new Database(filename);
      old.exec('CREATE TABLE innominatus_schema (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)');
      for (const statement of MIGRATIONS[0]!.sql('sqlite')) old.exec(statement);
      old.prepare("INSERT INTO innominatus_schema VALUES (1, 'v1', 'x')").run();
      const insert = old.prepare(`INSERT INTO resources (id, application, name, type, properties, state, pending_operation, generation, created_at, updated_at)
        VALUES (?, 'shop', ?, 'postgres', '{}', ?, 'create', 1, 1, 1)`);
      insert.run('r-failed', 'a', 'failed');
      insert.run('r-queued', 'b', 'requested');
      old.close();
      const store = await createSqliteStore({ filename });
      expect((await store.claim('me', 10, 60_000)).map((r) => r.id)).toEqual(['r-queued']);
      expect(await store.countResources({ pending: true })).toBe(1);
      await store.close();
      const db = new Database(filename, { readonly: true });
      try {
        expect(db.prepare('SELECT version FROM innominatus_schema ORDER BY version').all()).toEqual([
          { version: 1 },
          { version: 2 },
          { version: 3 },
          { version: 4 },
          { version: 5 },
          { version: 6 },
          { version: 7 },
        ]);
        const indexes = db
          .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'resources' AND sql IS NOT NULL ORDER BY name")
          .all();
        expect(indexes).toEqual([
          { name: 'resources_application', sql: 'CREATE INDEX resources_application ON resources (application, seq)' },
          { name: 'resources_claimable', sql: "CREATE INDEX resources_claimable ON resources (seq) WHERE pending_operation IS NOT NULL AND state <> 'failed'" },
          { name: 'resources_live_name', sql: "CREATE UNIQUE INDEX resources_live_name ON resources (application, name) WHERE state <> 'terminated'" },
          { name: 'resources_state', sql: 'CREATE INDEX resources_state ON resources (state, seq)' },
          { name: 'resources_type', sql: 'CREATE INDEX resources_type ON resources (type, seq)' },
        ]);
        const plan = (sql: string) => JSON.stringify(db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all());
        expect(
          plan(
            "SELECT id FROM resources WHERE pending_operation IS NOT NULL AND state <> 'failed' AND (lease_expires_at IS NULL OR lease_expires_at <= 5) ORDER BY seq LIMIT 5",
          ),
        ).toContain('USING INDEX resources_claimable');
        expect(plan("SELECT * FROM resources WHERE application = 'shop' ORDER BY seq LIMIT 5")).toContain('USING INDEX resources_application');
        expect(plan("SELECT * FROM resources WHERE type = 'postgres' AND seq > 10 ORDER BY seq LIMIT 50")).toContain('USING INDEX resources_type');
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a database whose schema is newer than the code, saying so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-sqlite-'));
    const filename = join(dir, 'store.db');
    try {
      await (await createSqliteStore({ filename })).close();
      const db = new Database(filename);
      db.prepare("INSERT INTO innominatus_schema (version, description, applied_at) VALUES (99, 'future', 'x')").run();
      db.close();
      await expect(createSqliteStore({ filename })).rejects.toMatchObject({
        code: 'STORE_SCHEMA_TOO_NEW',
        retryable: false,
        message: `the database schema is version 99, newer than this code's ${SCHEMA_VERSION}; upgrade @innominatus/store-sql`,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
