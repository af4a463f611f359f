import { randomBytes } from 'node:crypto';
import { importPg } from '../postgres-driver';

/** DATABASE_URL, or a clear failure: the test command always provides it. */
export function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error(
      'DATABASE_URL is not set: the PostgreSQL tests need a server. Run them through `pnpm test` (scripts/test.sh starts one), or `source scripts/postgres.sh && postgres_start` first.',
    );
  }
  return url;
}

/**
 * A fresh database on the `DATABASE_URL` server (or `base`), so that test files
 * can run in parallel; `drop()` removes it.
 *
 * @example
 * const db = await createTestDatabase();
 * const store = await createPostgresStore({ connectionString: db.url, encrypter });
 * // ...
 * await store.close();
 * await db.drop();
 */
export async function createTestDatabase(options: { base?: string; prefix?: string } = {}): Promise<{ url: string; drop(): Promise<void> }> {
  const base = options.base ?? databaseUrl();
  const prefix = options.prefix ?? 'test';
  if (!/^[a-z][a-z0-9_]{0,30}$/.test(prefix)) throw new Error(`prefix '${prefix}' must be a short lower-case SQL identifier`);
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const pg = await importPg();
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

/**
 * Leaves a test database migrated by a store as a new one after the
 * migrations, much faster than another {@link createTestDatabase} and its
 * migrations: every connection still open on it ended first (as `DROP
 * DATABASE ... WITH (FORCE)` would, so none can hold the next test's rows),
 * then every table but the schema versions emptied, with the sequences their
 * columns own back at their start. A database without tables is left as it is.
 *
 * @example
 * // One database for a test file, emptied after each test.
 * const db = await createTestDatabase();
 * afterEach(async () => {
 *   await store.close();
 *   await emptyTestDatabase(db.url);
 * });
 */
export async function emptyTestDatabase(url: string): Promise<void> {
  const pg = await importPg();
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    const tables = (await c.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'innominatus_schema'"))
      .rows;
    if (tables.length > 0) await c.query(`TRUNCATE ${tables.map((t) => `"${t.tablename}"`).join(', ')} RESTART IDENTITY`);
  } finally {
    await c.end();
  }
}

/** Every row of the store's tables as text, read with a plain client. */
export async function rawPostgresText(url: string): Promise<string> {
  const pg = await importPg();
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const out: unknown[] = [];
    for (const table of ['resources', 'resource_transitions', 'runs', 'run_steps', 'specs']) out.push((await c.query(`SELECT * FROM ${table}`)).rows);
    return JSON.stringify(out);
  } finally {
    await c.end();
  }
}
