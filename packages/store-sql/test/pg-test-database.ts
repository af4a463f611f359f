import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** DATABASE_URL, or a clear failure: the test command always provides it. */
export function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error('DATABASE_URL is not set: the PostgreSQL tests need a server. Run them through `pnpm test` (scripts/test.sh starts one), or `source scripts/postgres.sh && postgres_start` first.');
  }
  return url;
}

/** A fresh database on the DATABASE_URL server, so test files run in parallel; `drop()` removes it. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = databaseUrl();
  const name = `test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Every row of the store's tables as text, read with a plain client. */
export async function rawPostgresText(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const out: unknown[] = [];
    for (const table of ['resources', 'resource_transitions', 'runs', 'run_steps']) out.push((await c.query(`SELECT * FROM ${table}`)).rows);
    return JSON.stringify(out);
  } finally {
    await c.end();
  }
}
