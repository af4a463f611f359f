import { Writable } from 'node:stream';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { ephemeralEncrypter, sensitive } from '@innominatus/core';
import { createTestDatabase } from '@innominatus/store-sql/testing';
import { PostgresSpecStore } from '../src/host/postgres-spec-store';
import { openStores } from '../src/host/open-store';
import { createLogger } from '../src/logger';
import type { StoredSpec } from '../src/spec-store';
import { checkSpecListing } from './spec-listing';

const dbs: { drop(): Promise<void> }[] = [];
const stores: PostgresSpecStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close().catch(() => undefined);
  for (const d of dbs.splice(0)) await d.drop();
});

async function freshDatabase(): Promise<string> {
  const db = await createTestDatabase({ prefix: 'host_specs' });
  dbs.push(db);
  return db.url;
}

async function open(url: string, onIdleError?: (e: Error) => void): Promise<PostgresSpecStore> {
  const s = await PostgresSpecStore.open(url, onIdleError ? { onIdleError } : {});
  stores.push(s);
  return s;
}

async function sql<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

const specOf = (name: string, image: string): StoredSpec => ({
  name,
  submittedAt: '2026-01-01T00:00:00.000Z',
  spec: { apiVersion: 'score.dev/v1b1', metadata: { name }, containers: { main: { image } } },
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('PostgresSpecStore', () => {
  it('lists summaries in name order, a page at a time, without selecting the specs', async () => {
    await checkSpecListing(await open(await freshDatabase()));
  });

  it('opens from several hosts at once on a fresh database', async () => {
    for (let round = 0; round < 3; round++) {
      const url = await freshDatabase();
      const opened = await Promise.allSettled(Array.from({ length: 8 }, () => open(url)));
      expect(opened.filter((o) => o.status === 'rejected').map((o) => String((o as PromiseRejectedResult).reason))).toEqual([]);
      expect(await sql(url, "SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'innominatus_host_specs'")).toEqual([{ n: 1 }]);
    }
  }, 60_000);

  it('lets one replica at a time change an application, and the next sees what the first committed', async () => {
    const url = await freshDatabase();
    const [a, b] = [await open(url), await open(url)];
    const order: string[] = [];
    let entered!: () => void;
    const aInside = new Promise<void>((r) => (entered = r));
    const first = a.withLock('shop', async (tx) => {
      order.push('a in');
      entered();
      await sleep(300);
      await tx.put(specOf('shop', 'from-a'));
      order.push('a out');
    });
    await aInside;
    const second = b.withLock('shop', async (tx) => {
      order.push('b in');
      return (await tx.get('shop'))?.spec.containers.main?.image;
    });
    // Another application is not held up meanwhile.
    await b.withLock('other', async () => order.push('other'));
    await first;
    expect(await second).toBe('from-a');
    expect(order).toEqual(['a in', 'other', 'a out', 'b in']);
  });

  it('writes nothing from a section that throws', async () => {
    const url = await freshDatabase();
    const s = await open(url);
    await expect(
      s.withLock('shop', async (tx) => {
        await tx.put(specOf('shop', 'x'));
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(await s.get('shop')).toBeUndefined();
  });

  it('survives the server cutting its idle connections (a restart), and reconnects', async () => {
    const url = await freshDatabase();
    const errors: Error[] = [];
    const s = await open(url, (e) => errors.push(e));
    await s.put(specOf('shop', 'a'));
    await sql(url, 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    for (let i = 0; i < 100 && errors.length === 0; i++) await sleep(20);
    expect(errors.map((e) => (e as { code?: string }).code)).toEqual(['57P01']);
    expect((await s.get('shop'))?.spec.containers.main?.image).toBe('a');
  });
});

describe('openStores', () => {
  it('closes the resource store when the spec store cannot open', async () => {
    const url = await freshDatabase();
    // An event trigger refuses the spec table only, so the resource store opens and the spec store does not.
    await sql(
      url,
      `CREATE FUNCTION refuse_spec_table() RETURNS event_trigger LANGUAGE plpgsql AS $$
      BEGIN IF current_query() LIKE '%innominatus_host_specs%' THEN RAISE EXCEPTION 'no innominatus_host_specs here'; END IF; END $$`,
    );
    await sql(url, "CREATE EVENT TRIGGER refuse_spec_table ON ddl_command_start WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION refuse_spec_table()");
    const logs: string[] = [];
    const logger = createLogger({
      level: 'info',
      destination: new Writable({
        write(c, _e, cb) {
          logs.push(c.toString());
          cb();
        },
      }),
    });
    await expect(openStores({ kind: 'postgres', connectionString: sensitive(url) }, ephemeralEncrypter(), logger)).rejects.toThrow(
      'no innominatus_host_specs here',
    );
    let open: { n: number }[] = [];
    for (let i = 0; i < 50; i++) {
      open = await sql<{ n: number }>(url, 'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
      if (open[0]!.n === 0) break;
      await sleep(50);
    }
    expect(open).toEqual([{ n: 0 }]);
  });
});
