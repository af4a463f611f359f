import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { aesGcmEncrypter, type Store } from '@innominatus/core';
import { describeStoreConformance } from '@innominatus/core/testing/store-conformance';
import { describe, expect, it } from 'vitest';
import { createSqliteStore, SCHEMA_VERSION } from '../src/index';

function rawSqliteText(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    return JSON.stringify(['resources', 'resource_transitions', 'runs', 'run_steps'].map((t) => db.prepare(`SELECT * FROM ${t}`).all()));
  } finally {
    db.close();
  }
}

describeStoreConformance('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'store-sqlite-'));
  const filename = join(dir, 'store.db');
  const encrypter = aesGcmEncrypter(Buffer.alloc(32, 7));
  const store = await createSqliteStore({ filename, encrypter });
  const peers: Store[] = [];
  return {
    store,
    peer: async () => {
      const p = await createSqliteStore({ filename, encrypter });
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
      expect(db.prepare('SELECT version FROM innominatus_schema').all()).toEqual([{ version: SCHEMA_VERSION }]);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      db.close();
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
        code: 'STORE_ERROR', reason: 'SCHEMA_TOO_NEW',
        message: `the database schema is version 99, newer than this code's ${SCHEMA_VERSION}; upgrade @innominatus/store-sql`,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
