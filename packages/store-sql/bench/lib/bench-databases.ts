/**
 * Where the store benchmarks run: a SQLite file in a temporary folder, and a
 * new database on the DATABASE_URL server when there is one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '../../src/testing/index';

/** Runs `fn` with the path of a SQLite file (not made yet) in a new temporary folder named after `prefix`, removed afterwards. */
export async function onSqliteFile(prefix: string, fn: (filename: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  try {
    await fn(join(dir, 'bench.db'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * With DATABASE_URL set, runs `fn` with the URL of a new database on that
 * server (`prefix` starts its name; dropped afterwards); without it, prints
 * that the PostgreSQL part is skipped (scripts/bench.sh starts a server).
 */
export async function onPostgresDatabase(prefix: string, fn: (url: string) => Promise<void>): Promise<void> {
  if (!process.env.DATABASE_URL) {
    console.log('postgres: skipped, DATABASE_URL is not set (scripts/bench.sh starts a server)');
    return;
  }
  const db = await createTestDatabase({ prefix });
  try {
    await fn(db.url);
  } finally {
    await db.drop();
  }
}
