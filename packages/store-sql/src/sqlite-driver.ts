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

/** Most transactions committed together in one group (see {@link SqliteDriver}). */
export const MAX_GROUP_TRANSACTIONS = 64;

/** A transaction waiting for its turn in a group. */
interface Queued {
  fn: (tx: SqlExecutor) => Promise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * better-sqlite3 behind the async driver interface. The connection is
 * synchronous, so one promise chain serializes statements and keeps a
 * transaction's statements together; `BEGIN IMMEDIATE` takes the write lock
 * up front so several processes on one file wait (busy timeout) instead of
 * failing on lock upgrade.
 *
 * Transactions that queue up while one runs are committed as a group: one
 * `BEGIN IMMEDIATE … COMMIT` holding each of them, one after the other, in
 * a savepoint of its own (at most {@link MAX_GROUP_TRANSACTIONS}). One that
 * throws is rolled back to its savepoint alone and rejected at once; the
 * others resolve once the group is committed, so each is still all or
 * nothing and none is answered before it is durable. A commit is the
 * costly part of a small write (every page it changed goes to the log), so
 * a burst of submissions commits a few times instead of once each.
 */
export class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite' as const;
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();
  #tail: Promise<unknown> = Promise.resolve();
  readonly #queued: Queued[] = [];
  /** Set while a group is scheduled or taking members. */
  #grouping = false;
  readonly #executor: SqlExecutor = { query: async <R extends SqlRow>(sql: string, params: readonly unknown[] = []) => guard(() => this.#run<R>(sql, params)) };

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
    return new Promise<T>((resolve, reject) => {
      this.#queued.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      // A group that is taking members takes this one too; otherwise this one starts the next group.
      if (!this.#grouping) this.#scheduleGroup();
    });
  }

  /**
   * The next group starts once the event loop has taken in what is ready
   * (`setImmediate`): requests read meanwhile queue their transactions into
   * it. Statements run synchronously, so otherwise every transaction would
   * end before the next request is even read, and no two would share a commit.
   */
  #scheduleGroup(): void {
    this.#grouping = true;
    // On the serial chain at once, so that close() waits for it.
    void this.#serial(() => new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.#group()));
  }

  /** Runs the queued transactions, and those queued meanwhile, in one transaction, each in a savepoint; commits; answers them. */
  async #group(): Promise<void> {
    const done: { member: Queued; value: unknown }[] = [];
    try {
      guard(() => this.#db.exec('BEGIN IMMEDIATE'));
    } catch (error) {
      // The write lock was not had (another process held it past the busy timeout): every one waiting is refused.
      this.#grouping = false;
      for (const member of this.#queued.splice(0)) member.reject(error);
      return;
    }
    try {
      while (this.#queued.length > 0 && done.length < MAX_GROUP_TRANSACTIONS) {
        const member = this.#queued.shift()!;
        const value = await this.#member(member, done);
        if (value) done.push({ member, value: value.ok });
      }
      this.#grouping = false;
      guard(() => this.#db.exec('COMMIT'));
    } catch (error) {
      this.#grouping = false;
      try {
        if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
      } finally {
        for (const d of done.splice(0)) d.member.reject(error);
      }
      return;
    } finally {
      // More queued than one group holds: the next group takes them.
      if (this.#queued.length > 0 && !this.#grouping) this.#scheduleGroup();
    }
    for (const d of done) d.member.resolve(d.value);
  }

  /**
   * One transaction of a group in its savepoint: `{ ok }` once released, or
   * `undefined` when it threw (rolled back alone and rejected). When the
   * database rolled the whole transaction back (disk full, I/O error), those
   * done before it are rejected too and a new transaction begins.
   */
  async #member(member: Queued, done: { member: Queued }[]): Promise<{ ok: unknown } | undefined> {
    try {
      guard(() => this.#db.exec('SAVEPOINT grouped'));
      const ok = await member.fn(this.#executor);
      guard(() => this.#db.exec('RELEASE grouped'));
      return { ok };
    } catch (error) {
      member.reject(error);
      if (this.#db.inTransaction) {
        guard(() => this.#db.exec('ROLLBACK TO grouped'));
        guard(() => this.#db.exec('RELEASE grouped'));
      } else {
        for (const d of done.splice(0)) d.member.reject(lostWith(error));
        guard(() => this.#db.exec('BEGIN IMMEDIATE'));
      }
      return undefined;
    }
  }

  async notify(): Promise<void> {}

  async listen(): Promise<void> {}

  /** Closes the database once every query and transaction asked for before, and any group they started, has finished. */
  async close(): Promise<void> {
    let tail: Promise<unknown>;
    do {
      tail = this.#tail;
      await tail.catch(() => undefined);
    } while (tail !== this.#tail);
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

/** What a transaction of a group gets when another one's failure rolled the whole group back. */
function lostWith(error: unknown): SqlStoreError {
  const reason = error instanceof Error ? error.message : String(error);
  return new SqlStoreError('STORE_QUERY_FAILED', `SQLite rolled the transaction back with others committed together: ${reason}`, {
    cause: error,
    retryable: true,
  });
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
