import { aesGcmEncrypter, type Store } from '@innominatus/core';
import { describeStoreConformance } from '@innominatus/core/testing/store-conformance';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createPostgresStore, SCHEMA_VERSION } from '../src/index';
import { createTestDatabase, databaseUrl, rawPostgresText } from '@innominatus/store-sql/testing';

databaseUrl();

describeStoreConformance('postgres', async () => {
  const db = await createTestDatabase();
  const encrypter = aesGcmEncrypter(Buffer.alloc(32, 3));
  const store = await createPostgresStore({ connectionString: db.url, poolSize: 4, encrypter });
  const peers: Store[] = [];
  return {
    store,
    peer: async () => {
      const p = await createPostgresStore({ connectionString: db.url, poolSize: 4, encrypter });
      peers.push(p);
      return p;
    },
    rawText: () => rawPostgresText(db.url),
    close: async () => {
      for (const p of [store, ...peers]) await p.close();
      await db.drop();
    },
  };
}, { crossInstanceWake: true });

describe('postgres store', () => {
  it('migrates once even when two replicas start together', async () => {
    const db = await createTestDatabase();
    try {
      const [a, b] = await Promise.all([createPostgresStore({ connectionString: db.url }), createPostgresStore({ connectionString: db.url })]);
      await a.close();
      await b.close();
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      expect((await c.query('SELECT version FROM innominatus_schema')).rows).toEqual([{ version: SCHEMA_VERSION }]);
      await c.end();
    } finally {
      await db.drop();
    }
  });
});
