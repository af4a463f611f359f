/**
 * Listing one page of resources (plain script, prints numbers; `pnpm bench list-page`):
 * 100,000 resources (inserted in bulk by SQL, in 4 types and 3 states), then
 * `listResources({ limit: 51 })` as `GET /api/resources?limit=50` asks it —
 * the first page, a page deep inside (after a cursor), and pages filtered by
 * type and by state — 200 times each: p50 and p99. SQLite in process; the
 * PostgreSQL part needs DATABASE_URL (scripts/bench.sh starts a server).
 */
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { aesGcmEncrypter, type ResourceFilter, type Store } from '@innominatus/core';
import { createPostgresStore, createSqliteStore } from '../src/index';
import { onPostgresDatabase, onSqliteFile } from './lib/bench-databases';

const TOTAL = 100_000;
const ROUNDS = 200;
const key = aesGcmEncrypter(randomBytes(32));
const TYPES = ['postgres', 'redis', 's3', 'kafka'];
const STATES = ['active', 'requested', 'failed'];

/** Row n of the bulk insert: its id, application, name, type and state. */
const row = (n: number) => [`r-${String(n).padStart(6, '0')}`, `app-${n % 1000}`, `db-${n}`, TYPES[n % 4]!, STATES[n % 3]!] as const;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function measure(label: string, store: Store): Promise<void> {
  const deep = (await store.listResources({ limit: 1, after: row(TOTAL / 2)[0] }))[0]!.id;
  const cases: Array<[string, ResourceFilter]> = [
    ['first page', { limit: 51 }],
    ['page after a cursor half-way', { limit: 51, after: deep }],
    ['?type=kafka, first page', { type: 'kafka', limit: 51 }],
    ['?type=kafka after a cursor half-way', { type: 'kafka', limit: 51, after: deep }],
    ['?state=failed, first page', { state: 'failed', limit: 51 }],
    ['?application=app-7 (100 of them)', { application: 'app-7', limit: 51 }],
  ];
  for (const [name, filter] of cases) {
    for (let i = 0; i < 20; i++) await store.listResources(filter);
    const times: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const t = process.hrtime.bigint();
      const page = await store.listResources(filter);
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (page.length === 0) throw new Error(`${name}: empty page`);
    }
    times.sort((a, b) => a - b);
    console.log(`${label.padEnd(10)} ${name.padEnd(38)} p50 ${percentile(times, 50).toFixed(2)} ms  p99 ${percentile(times, 99).toFixed(2)} ms`);
  }
}

async function sqlite(): Promise<void> {
  await onSqliteFile('bench-list', async (filename) => {
    (await createSqliteStore({ filename, encrypter: key })).close();
    const db = new Database(filename);
    const insert = db.prepare(`INSERT INTO resources (id, application, name, type, properties, state, pending_operation, generation, created_at, updated_at)
      VALUES (?, ?, ?, ?, '{"size":"small"}', ?, NULL, 1, ?, ?)`);
    db.transaction(() => {
      for (let n = 0; n < TOTAL; n++) insert.run(...row(n), n, n);
    })();
    db.close();
    const store = await createSqliteStore({ filename, encrypter: key });
    await measure('SQLite', store);
    await store.close();
  });
}

async function postgres(): Promise<void> {
  await onPostgresDatabase('bench_list', async (url) => {
    (await createPostgresStore({ connectionString: url, encrypter: key })).close();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`INSERT INTO resources (id, application, name, type, properties, state, pending_operation, generation, created_at, updated_at)
      SELECT 'r-' || lpad(n::text, 6, '0'), 'app-' || (n % 1000), 'db-' || n, (ARRAY['postgres','redis','s3','kafka'])[n % 4 + 1],
             '{"size":"small"}', (ARRAY['active','requested','failed'])[n % 3 + 1], NULL, 1, n, n
      FROM generate_series(0, ${TOTAL - 1}) AS n`);
    await c.query('ANALYZE resources');
    await c.end();
    const store = await createPostgresStore({ connectionString: url, encrypter: key });
    await measure('PostgreSQL', store);
    await store.close();
  });
}

console.log(`listResources pages at ${TOTAL.toLocaleString('en')} resources, ${ROUNDS} reads each`);
await sqlite();
await postgres();
