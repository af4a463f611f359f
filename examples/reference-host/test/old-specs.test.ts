import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import type { Store, StoredSpec } from '@innominatus/core';
import { createTestDatabase } from '@innominatus/store-sql/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load-config';
import type { HostError } from '../src/errors';
import { openHostStore } from '../src/host/host-store';
import { createStartUp, type StartUp } from '../src/host/start-up';
import { createLogger } from '../src/logger';
import { APPLICATIONS_AFTER } from '../src/score/shared-index';

const KEY = 'ab'.repeat(32);

const spec = (name: string, resources: string[], submittedAt: string): StoredSpec => ({
  name,
  spec: {
    apiVersion: 'score.dev/v1b1',
    metadata: { name },
    containers: { main: { image: 'app:1' } },
    resources: Object.fromEntries(resources.map((r) => [r, { type: 'postgres' }])),
  },
  submittedAt,
});
const SHOP = spec('shop', ['db', 'cache'], '2026-11-30T10:00:00.000Z');
const BLOG = spec('blog', ['db'], '2026-11-30T11:30:00.000Z');

/** Opens the host's store for `url` as a start does, with its notices and log lines kept. */
async function open(url: string): Promise<{ store: Store; start: StartUp; logs: string[] }> {
  const logs: string[] = [];
  const logger = createLogger({
    level: 'info',
    destination: new Writable({
      write(chunk, _encoding, done) {
        logs.push(chunk.toString());
        done();
      },
    }),
  });
  const config = loadConfig({ text: `store: { url: "${url}" }\nsecrets: { encryptionKey: "${KEY}" }\n`, env: {} });
  const start = createStartUp(logger);
  try {
    const { store } = await openHostStore(config, logger, start);
    return { store, start, logs };
  } catch (err) {
    await start.closeAll();
    throw err;
  }
}

const importNotices = (start: StartUp) => start.notices.filter((n) => n.includes('imported'));

describe('specs of the old SQLite layout (<database>.specs/<name>.json)', () => {
  let dir: string;
  let db: string;
  let folder: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'host-old-specs-'));
    db = join(dir, 'host.db');
    folder = `${db}.specs`;
    mkdirSync(folder);
    for (const s of [SHOP, BLOG]) {
      writeFileSync(join(folder, `${s.name}.json`), JSON.stringify(s));
      writeFileSync(join(folder, `${s.name}.summary`), JSON.stringify({ name: s.name, submittedAt: s.submittedAt, resources: [] }));
    }
    // A write a crash cut short: not a spec.
    writeFileSync(join(folder, `shop.json.4242.tmp`), '{"name":"sh');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('are imported once at start and the folder is renamed, kept as it was', async () => {
    const first = await open(`sqlite:${db}`);
    try {
      expect(await first.store.getSpec('shop')).toEqual(SHOP);
      expect(await first.store.getSpec('blog')).toEqual(BLOG);
      expect(await first.store.listSpecs({ after: APPLICATIONS_AFTER, limit: 10 })).toEqual([
        { name: 'blog', submittedAt: BLOG.submittedAt, resources: ['db'] },
        { name: 'shop', submittedAt: SHOP.submittedAt, resources: ['cache', 'db'] },
      ]);
      const notice = `store: 2 spec(s) imported from ${folder} (0 already in the store kept); it is now ${folder}.imported`;
      expect(importNotices(first.start)).toEqual([notice]);
      expect(first.logs.filter((l) => l.includes(notice))).toHaveLength(1);
    } finally {
      await first.start.closeAll();
    }
    expect(existsSync(folder)).toBe(false);
    expect(readdirSync(`${folder}.imported`).sort()).toEqual(['blog.json', 'blog.summary', 'shop.json', 'shop.json.4242.tmp', 'shop.summary']);

    const second = await open(`sqlite:${db}`);
    try {
      expect(importNotices(second.start)).toEqual([]);
      expect((await second.store.listSpecs({ after: APPLICATIONS_AFTER, limit: 10 })).map((s) => s.name)).toEqual(['blog', 'shop']);
    } finally {
      await second.start.closeAll();
    }
  });

  it('keep the spec the store already has, and a later folder does not overwrite an earlier copy', async () => {
    const newer = spec('shop', ['db'], '2026-12-01T09:00:00.000Z');
    const seeded = await open(`sqlite:${db}`);
    await seeded.store.transaction('shop', (tx) => tx.deleteSpec('blog').then(() => tx.putSpec(newer)));
    await seeded.start.closeAll();
    // An old host ran again on the database and kept a spec in a new folder.
    mkdirSync(folder);
    writeFileSync(join(folder, 'shop.json'), JSON.stringify(SHOP));

    const again = await open(`sqlite:${db}`);
    try {
      expect(await again.store.getSpec('shop')).toEqual(newer);
      expect(await again.store.getSpec('blog')).toBeUndefined();
      expect(importNotices(again.start)).toEqual([`store: 0 spec(s) imported from ${folder} (1 already in the store kept); it is now ${folder}.imported.2`]);
    } finally {
      await again.start.closeAll();
    }
    expect(readdirSync(`${folder}.imported`)).toContain('blog.json');
    expect(readdirSync(`${folder}.imported.2`)).toEqual(['shop.json']);
  });

  it('stop the start with OLD_SPECS_INVALID naming the file, importing none of them', async () => {
    writeFileSync(join(folder, 'blog.json'), '{"name": "blog", "spec": ');
    const thrown = await open(`sqlite:${db}`).catch((err: HostError) => err);
    expect((thrown as HostError).code).toBe('OLD_SPECS_INVALID');
    expect((thrown as HostError).message).toMatch(
      new RegExp(`^specs of the old layout cannot be imported: ${join(folder, 'blog.json').replace(/[.]/g, '\\.')}: not a readable JSON spec \\(`),
    );
    writeFileSync(join(folder, 'blog.json'), JSON.stringify({ ...BLOG, name: 'other' }));
    await expect(open(`sqlite:${db}`)).rejects.toMatchObject({
      code: 'OLD_SPECS_INVALID',
      message: `specs of the old layout cannot be imported: ${join(folder, 'blog.json')}: name must be 'blog' (the file's name), got "other"`,
    });
    writeFileSync(join(folder, 'blog.json'), JSON.stringify({ ...BLOG, submittedAt: 'yesterday' }));
    await expect(open(`sqlite:${db}`)).rejects.toMatchObject({
      code: 'OLD_SPECS_INVALID',
      message: `specs of the old layout cannot be imported: ${join(folder, 'blog.json')}: spec 'blog': submittedAt must be an ISO-8601 time, got "yesterday"`,
    });
    expect(readdirSync(folder)).toContain('shop.json');
    writeFileSync(join(folder, 'blog.json'), JSON.stringify(BLOG));
    const fixed = await open(`sqlite:${db}`);
    try {
      // The shop spec of the refused imports was not stored: it is imported now, with blog.
      expect(importNotices(fixed.start)).toEqual([`store: 2 spec(s) imported from ${folder} (0 already in the store kept); it is now ${folder}.imported`]);
    } finally {
      await fixed.start.closeAll();
    }
  });
});

const OLD_SCHEMA = `CREATE TABLE innominatus_host_specs (name text PRIMARY KEY, spec jsonb NOT NULL, submitted_at timestamptz NOT NULL);
CREATE INDEX innominatus_host_specs_name_c ON innominatus_host_specs (name COLLATE "C")`;

describe('specs of the old PostgreSQL layout (table innominatus_host_specs)', () => {
  let db: { url: string; drop(): Promise<void> };
  const sql = async (text: string, values: unknown[] = []) => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      return (await client.query(text, values)).rows;
    } finally {
      await client.end();
    }
  };
  const tables = async () =>
    (await sql(`SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'innominatus_host_specs%' ORDER BY 1`)).map((r) => r.table_name);
  beforeEach(async () => {
    db = await createTestDatabase({ prefix: 'host_old_specs' });
    await sql(OLD_SCHEMA);
    for (const s of [SHOP, BLOG]) await sql('INSERT INTO innominatus_host_specs VALUES ($1, $2, $3)', [s.name, JSON.stringify(s.spec), s.submittedAt]);
  });
  afterEach(() => db.drop());

  it('are imported once by hosts starting together, and the table is renamed', async () => {
    const hosts = await Promise.all([open(db.url), open(db.url)]);
    try {
      for (const { store } of hosts) {
        expect(await store.getSpec('shop')).toEqual(SHOP);
        expect(await store.getSpec('blog')).toEqual(BLOG);
      }
      expect(hosts.flatMap((h) => importNotices(h.start))).toEqual([
        'store: 2 spec(s) imported from table innominatus_host_specs (0 already in the store kept); it is now table innominatus_host_specs_imported',
      ]);
    } finally {
      for (const h of hosts) await h.start.closeAll();
    }
    expect(await tables()).toEqual(['innominatus_host_specs_imported']);
    expect((await sql('SELECT name FROM innominatus_host_specs_imported ORDER BY name')).map((r) => r.name)).toEqual(['blog', 'shop']);

    const again = await open(db.url);
    try {
      expect(importNotices(again.start)).toEqual([]);
      expect((await again.store.listSpecs({ after: APPLICATIONS_AFTER, limit: 10 })).map((s) => s.name)).toEqual(['blog', 'shop']);
    } finally {
      await again.start.closeAll();
    }
  });

  it('stop the start with OLD_SPECS_INVALID naming the row, importing none of them', async () => {
    await sql(`UPDATE innominatus_host_specs SET spec = '[1]' WHERE name = 'shop'`);
    await expect(open(db.url)).rejects.toMatchObject({
      code: 'OLD_SPECS_INVALID',
      message: "specs of the old layout cannot be imported: table innominatus_host_specs, row 'shop': spec 'shop' must be an object",
    });
    expect(await tables()).toEqual(['innominatus_host_specs']);
    await sql('DELETE FROM innominatus_host_specs WHERE name = $1', ['shop']);
    const fixed = await open(db.url);
    try {
      // The blog spec of the refused import was not stored: it is imported now.
      expect(importNotices(fixed.start)).toEqual([
        'store: 1 spec(s) imported from table innominatus_host_specs (0 already in the store kept); it is now table innominatus_host_specs_imported',
      ]);
    } finally {
      await fixed.start.closeAll();
    }
  });
});
