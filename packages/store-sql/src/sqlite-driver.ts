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

/** Most statements made outside a transaction committed together in one group. */
export const MAX_GROUP_STATEMENTS = 1_000;

/** A transaction (`fn`) or a statement made outside one (`run`) waiting for its turn in a group. */
type Queued = ({ fn: (tx: SqlExecutor) => Promise<unknown> } | { run: () => unknown[] }) & {
  resolve(value: unknown): void;
  reject(error: unknown): void;
};

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
 *
 * Statements made outside a transaction join the groups too, in the order
 * they were made among the transactions (at most
 * {@link MAX_GROUP_STATEMENTS}): with hundreds of runs in flight, their
 * journal writes, claims and state changes stop paying a commit each. Such
 * a statement that fails is undone alone (SQLite rolls back the statement,
 * not the transaction) and rejected at once; otherwise it is answered, like
 * the transactions, once the group is committed. A read with nothing queued
 * or running before it runs at once.
 */
export class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite' as const;
  readonly #db: Database.Database;
  /** Each statement text prepared once, with where its `$n` values go. */
  readonly #statements = new Map<string, { stmt: Database.Statement; order: number[] }>();
  #tail: Promise<unknown> = Promise.resolve();
  readonly #queued: Queued[] = [];
  /** Set while a group is scheduled or taking members. */
  #grouping = false;
  readonly #executor: SqlExecutor = {
    query: async <R extends SqlRow>(sql: string, params: readonly unknown[] = []) => guard(() => this.#prepare(sql, params).run() as R[]),
  };

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
    return new Promise<unknown[]>((resolve, reject) => {
      const statement = this.#prepare(sql, params);
      if (statement.readonly && !this.#grouping && this.#queued.length === 0) {
        resolve(statement.run());
        return;
      }
      this.#queued.push({ run: statement.run, resolve: resolve as (value: unknown) => void, reject });
      if (!this.#grouping) this.#scheduleGroup();
    }).catch(failed) as Promise<T[]>;
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
      const taken = { transactions: 0, statements: 0 };
      while (this.#queued.length > 0 && taken.transactions < MAX_GROUP_TRANSACTIONS && taken.statements < MAX_GROUP_STATEMENTS) {
        const member = this.#queued.shift()!;
        taken['fn' in member ? 'transactions' : 'statements']++;
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
      if ('run' in member) return { ok: member.run() };
      guard(() => this.#db.exec('SAVEPOINT grouped'));
      const ok = await member.fn(this.#executor);
      guard(() => this.#db.exec('RELEASE grouped'));
      return { ok };
    } catch (error) {
      member.reject(error);
      if (this.#db.inTransaction) {
        // A statement is undone alone by SQLite itself; a transaction back to its savepoint.
        if ('fn' in member) {
          guard(() => this.#db.exec('ROLLBACK TO grouped'));
          guard(() => this.#db.exec('RELEASE grouped'));
        }
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

  /** The statement for `sql`, prepared once, bound to `params`; whether it only reads. */
  #prepare(sql: string, params: readonly unknown[]): { run: () => unknown[]; readonly: boolean } {
    let prepared = this.#statements.get(sql);
    if (!prepared) {
      const { text, order } = positional(sql);
      prepared = { stmt: this.#db.prepare(text), order };
      this.#statements.set(sql, prepared);
    }
    const { stmt, order } = prepared;
    const values = order.map((i) => params[i] ?? null);
    const run = (): unknown[] => {
      if (stmt.reader) return stmt.all(...values);
      stmt.run(...values);
      return [];
    };
    return { run, readonly: stmt.readonly };
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

/**
 * Rewrites `$n` placeholders to SQLite's `?`, and the index in the
 * parameters of each `?`'s value, in order. A placeholder that is the whole
 * of a `LIMIT` becomes `+?` (the same value): SQLite (since 3.47) plans a
 * bare `LIMIT ?` for the value bound when it prepared the statement and so
 * prepares the statement again each time a value is bound to it, which cost
 * more than running a small query (an indexed page read took ~30 µs instead
 * of ~7 µs).
 */
function positional(sql: string): { text: string; order: number[] } {
  const order: number[] = [];
  const text = sql.replace(/(\bLIMIT\s+)?\$(\d+)/gi, (_, limit: string | undefined, n: string) => {
    order.push(Number(n) - 1);
    return limit === undefined ? '?' : `${limit}+?`;
  });
  return { text, order };
}
