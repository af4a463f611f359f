import type Database from 'better-sqlite3';
import type { SqlDriver, SqlExecutor, SqlRow } from './driver';
import { SqlStoreError, wrapDriverError } from './errors';
import { importDriver, nativeAddonError } from './optional-peer';

/** better-sqlite3's `Database` class, imported on first use (an optional peer dependency). */
export type BetterSqlite3 = typeof Database;

/** Imports better-sqlite3, or throws `DRIVER_MISSING` saying to install it. */
export function importBetterSqlite3(): Promise<BetterSqlite3> {
  return importDriver<BetterSqlite3>('better-sqlite3', 'createSqliteStore', () => import('better-sqlite3'));
}

/**
 * better-sqlite3 behind the async driver interface. The connection is
 * synchronous, so one promise chain serializes statements and keeps a
 * transaction's statements together; `BEGIN IMMEDIATE` takes the write lock
 * up front so several processes on one file wait (busy timeout) instead of
 * failing on lock upgrade.
 */
export class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite' as const;
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();
  #tail: Promise<unknown> = Promise.resolve();

  constructor(Sqlite: BetterSqlite3, filename: string, busyTimeoutMs = 5_000) {
    try {
      this.#db = new Sqlite(filename, { timeout: busyTimeoutMs });
      this.#db.pragma('journal_mode = WAL');
      this.#db.pragma('synchronous = NORMAL');
      this.#db.pragma('foreign_keys = ON');
    } catch (cause) {
      throw (
        nativeAddonError(cause) ?? new SqlStoreError('STORE_UNAVAILABLE', `cannot open SQLite database '${filename}': ${(cause as Error).message}`, { cause })
      );
    }
  }

  query<T extends SqlRow = SqlRow>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.#serial(() => this.#run<T>(sql, params)).catch(failed);
  }

  /** Statements of `fn` fail as store errors; an error `fn` throws itself reaches the caller unchanged. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.#serial(async () => {
      guard(() => this.#db.exec('BEGIN IMMEDIATE'));
      try {
        const result = await fn({ query: async <R extends SqlRow>(sql: string, params: readonly unknown[] = []) => guard(() => this.#run<R>(sql, params)) });
        guard(() => this.#db.exec('COMMIT'));
        return result;
      } catch (error) {
        if (this.#db.inTransaction) guard(() => this.#db.exec('ROLLBACK'));
        throw error;
      }
    });
  }

  async notify(): Promise<void> {}

  async listen(): Promise<void> {}

  async close(): Promise<void> {
    await this.#tail.catch(() => undefined);
    this.#db.close();
  }

  #serial<T>(fn: () => T | Promise<T>): Promise<T> {
    const next = this.#tail.then(fn, fn);
    this.#tail = next.catch(() => undefined);
    return next;
  }

  #run<T>(sql: string, params: readonly unknown[]): T[] {
    const { text, values } = positional(sql, params);
    let stmt = this.#statements.get(text);
    if (!stmt) {
      stmt = this.#db.prepare(text);
      this.#statements.set(text, stmt);
    }
    if (stmt.reader) return stmt.all(...values) as T[];
    stmt.run(...values);
    return [];
  }
}

function failed(cause: unknown): never {
  throw wrapDriverError(cause, 'SQLite');
}

function guard<T>(statement: () => T): T {
  try {
    return statement();
  } catch (cause) {
    failed(cause);
  }
}

/** Rewrites `$n` placeholders to SQLite's `?`, ordering the values to match. */
function positional(sql: string, params: readonly unknown[]): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const text = sql.replace(/\$(\d+)/g, (_, n: string) => {
    const v = params[Number(n) - 1];
    values.push(v === undefined ? null : v);
    return '?';
  });
  return { text, values };
}
