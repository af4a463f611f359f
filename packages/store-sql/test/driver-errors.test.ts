import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqlStoreError, createPostgresStore, createSqliteStore } from '../src/index';

describe('driver errors', () => {
  it('wraps every SQL driver error with a code and retryable, the driver error as cause', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'error-model-'));
    const filename = join(dir, 'store.db');
    const store = await createSqliteStore({ filename });
    try {
      const db = new Database(filename);
      db.exec('DROP TABLE resource_transitions');
      db.close();
      const refused = await store.listTransitions('x').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(SqlStoreError);
      expect(refused).toMatchObject({
        code: 'STORE_QUERY_FAILED',
        retryable: false,
        message: 'SQLite refused a statement: no such table: resource_transitions',
      });
      expect((refused as Error).cause).toMatchObject({ code: 'SQLITE_ERROR' });
      await store.close();
      await expect(store.createResource({ application: 'a', name: 'n', type: 't', properties: {} })).rejects.toMatchObject({
        code: 'STORE_CLOSED',
        message: 'the store is closed',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const unreachable = await createPostgresStore({ connectionString: 'postgres://nobody@127.0.0.1:1/none' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(unreachable).toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true });
    expect((unreachable as Error).message).toMatch(/^cannot reach PostgreSQL: connect ECONNREFUSED 127\.0\.0\.1:1$/);
  });
});
