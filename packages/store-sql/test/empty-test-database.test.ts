import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { createPostgresStore, MIGRATIONS } from '../src/index';
import { createTestDatabase, databaseUrl, emptyTestDatabase, rawPostgresText } from '@innominatus/store-sql/testing';

databaseUrl();

const insertResource = `INSERT INTO resources (id, application, name, type, properties, state, pending_operation, generation, created_at, updated_at)
  VALUES ($1, 'shop', $1, 'postgres', '{}', 'requested', 'create', 1, 1, 1) RETURNING seq`;

describe('emptyTestDatabase', () => {
  it('empties every table but the schema versions, restarts the sequences, and ends the connections left open', async () => {
    const db = await createTestDatabase({ prefix: 'empty_db' });
    const c = new pg.Client({ connectionString: db.url });
    const left = new pg.Client({ connectionString: db.url });
    try {
      await (await createPostgresStore({ connectionString: db.url })).close();
      await c.connect();
      for (const id of ['r-1', 'r-2']) await c.query(insertResource, [id]);
      await c.query("INSERT INTO resource_transitions (resource_id, from_state, to_state, at, reason) VALUES ('r-1', NULL, 'requested', 1, 'create')");
      await c.query("INSERT INTO specs (name, spec, resources, submitted_at) VALUES ('shop', '{}', '[]', 1)");
      await c.end();
      // A connection left in a transaction that holds a row lock: TRUNCATE would wait for it.
      await left.connect();
      // Its errors: the server's termination, then the socket's end.
      const errors: unknown[] = [];
      left.on('error', (err) => errors.push((err as { code?: string }).code));
      await left.query("BEGIN; UPDATE resources SET state = 'active' WHERE id = 'r-1'");

      await emptyTestDatabase(db.url);

      // Ended by the server (admin_shutdown), its lock with it.
      await vi.waitFor(() => expect(errors[0]).toBe('57P01'));
      expect(await rawPostgresText(db.url)).toBe('[[],[],[],[],[]]');
      const after = new pg.Client({ connectionString: db.url });
      await after.connect();
      try {
        expect((await after.query('SELECT version FROM innominatus_schema ORDER BY version')).rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
        expect((await after.query(insertResource, ['r-3'])).rows).toEqual([{ seq: '1' }]);
      } finally {
        await after.end();
      }
    } finally {
      await left.end().catch(() => undefined);
      await db.drop();
    }
  });

  it('leaves a database no store has migrated as it is', async () => {
    const db = await createTestDatabase({ prefix: 'empty_db' });
    try {
      await emptyTestDatabase(db.url);
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      try {
        expect((await c.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).rows).toEqual([]);
      } finally {
        await c.end();
      }
    } finally {
      await db.drop();
    }
  });
});
