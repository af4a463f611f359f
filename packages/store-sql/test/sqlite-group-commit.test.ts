import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_GROUP_TRANSACTIONS, SqliteDriver } from '../src/sqlite-driver';

let dir: string;
let filename: string;
let driver: SqliteDriver;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sqlite-group-'));
  filename = join(dir, 'group.db');
  driver = new SqliteDriver(Database, filename);
  await driver.query('CREATE TABLE t (k TEXT PRIMARY KEY)');
});

afterEach(async () => {
  await driver.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The keys committed, read by another connection (so only what was committed). */
function committedKeys(): string[] {
  const other = new Database(filename, { readonly: true });
  try {
    return (other.prepare('SELECT k FROM t ORDER BY k').all() as { k: string }[]).map((r) => r.k);
  } finally {
    other.close();
  }
}

describe('SQLite transactions committed as a group', () => {
  it('runs transactions queued together before answering any, each all or nothing: a failing one alone is rolled back', async () => {
    const events: string[] = [];
    const boom = new Error('boom');
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        driver
          .transaction(async (tx) => {
            events.push(`run ${i}`);
            await tx.query('INSERT INTO t (k) VALUES ($1)', [`k${i}`]);
            if (i === 3) throw boom;
            // A key taken: the statement fails, the transaction's own insert goes with it.
            if (i === 5) await tx.query('INSERT INTO t (k) VALUES ($1)', ['k0']);
            return i * 10;
          })
          .then((value) => {
            events.push(`done ${i}`);
            return value;
          }),
      ),
    );
    // Every transaction ran before the first was answered: one commit for all of them.
    expect(events.slice(0, 8)).toEqual(Array.from({ length: 8 }, (_, i) => `run ${i}`));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'rejected'))).toEqual([0, 10, 20, 'rejected', 40, 'rejected', 60, 70]);
    expect((results[3] as PromiseRejectedResult).reason).toBe(boom);
    expect((results[5] as PromiseRejectedResult).reason).toMatchObject({ code: 'STORE_QUERY_FAILED' });
    expect(committedKeys()).toEqual(['k0', 'k1', 'k2', 'k4', 'k6', 'k7']);
  });

  it(`commits at most ${MAX_GROUP_TRANSACTIONS} transactions together; the rest go in the next group`, async () => {
    const events: string[] = [];
    const count = MAX_GROUP_TRANSACTIONS + 6;
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        driver
          .transaction(async (tx) => {
            events.push('run');
            await tx.query('INSERT INTO t (k) VALUES ($1)', [`k${String(i).padStart(3, '0')}`]);
          })
          .then(() => events.push('done')),
      ),
    );
    const expected = [
      ...Array(MAX_GROUP_TRANSACTIONS).fill('run'),
      ...Array(MAX_GROUP_TRANSACTIONS).fill('done'),
      ...Array(6).fill('run'),
      ...Array(6).fill('done'),
    ];
    expect(events).toEqual(expected);
    expect(committedKeys()).toHaveLength(count);
  });

  it('answers a transaction on its own too, and takes one queued while a group runs into that group, after the ones before it', async () => {
    expect(await driver.transaction(async (tx) => (await tx.query('INSERT INTO t (k) VALUES ($1)', ['a']), 'one'))).toBe('one');
    const events: string[] = [];
    let inner: Promise<unknown> | undefined;
    const outer = driver.transaction(async (tx) => {
      inner = driver.transaction(async (t) => {
        events.push('inner');
        await t.query('INSERT INTO t (k) VALUES ($1)', ['c']);
      });
      await tx.query('INSERT INTO t (k) VALUES ($1)', ['b']);
      events.push('outer');
    });
    const next = driver.transaction(async (tx) => {
      events.push('next');
      await tx.query('INSERT INTO t (k) VALUES ($1)', ['d']);
    });
    await Promise.all([outer, next]);
    await inner;
    expect(events).toEqual(['outer', 'next', 'inner']);
    expect(committedKeys()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('rejects the transactions done before one whose statements ended the whole transaction, and commits the ones after it', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) =>
        driver.transaction(async (tx) => {
          await tx.query('INSERT INTO t (k) VALUES ($1)', [`k${i}`]);
          // Ends the group's transaction from inside, as the database does on a disk-full or I/O error.
          if (i === 2) await tx.query('ROLLBACK');
          return i;
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'fulfilled', 'fulfilled']);
    for (const r of results.slice(0, 2)) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({
        code: 'STORE_QUERY_FAILED',
        retryable: true,
        message: expect.stringMatching(/^SQLite rolled the transaction back with others committed together: /),
      });
    }
    expect(committedKeys()).toEqual(['k3', 'k4']);
  });

  it('closes only after the transactions asked for before close(), in every group they need, are committed', async () => {
    const own = new SqliteDriver(Database, filename);
    const count = MAX_GROUP_TRANSACTIONS + 3;
    const asked = Array.from({ length: count }, (_, i) =>
      own.transaction(async (tx) => {
        await tx.query('INSERT INTO t (k) VALUES ($1)', [`c${String(i).padStart(3, '0')}`]);
        return i;
      }),
    );
    await own.close();
    expect(await Promise.all(asked)).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(committedKeys()).toHaveLength(count);
  });
});

/** Every statement the driver's connection executes, in order, with its values (better-sqlite3's `verbose`). */
function tracedSqlite(log: string[]): typeof Database {
  return class extends Database {
    constructor(filename: string, options: Database.Options = {}) {
      super(filename, { ...options, verbose: (sql) => log.push(String(sql)) });
    }
  } as unknown as typeof Database;
}

describe('SQLite statements made outside a transaction, committed as a group', () => {
  let log: string[];
  let traced: SqliteDriver;

  beforeEach(async () => {
    log = [];
    traced = new SqliteDriver(tracedSqlite(log), join(dir, 'traced.db'));
    await traced.query('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)');
    log.length = 0;
  });

  afterEach(async () => {
    await traced.close();
  });

  it('runs the writes made in one turn of the event loop in one transaction, in order, and answers them after it commits', async () => {
    const other = new Database(join(dir, 'traced.db'), { readonly: true });
    try {
      const answers = ['a', 'b', 'c'].map((k, i) =>
        traced.query('INSERT INTO t (k, v) VALUES ($1, $2)', [k, i]).then(() => other.prepare('SELECT k FROM t ORDER BY k').all()),
      );
      // Each caller, once answered, finds every write of the batch committed (visible to another connection).
      expect(await Promise.all(answers)).toEqual([0, 1, 2].map(() => [{ k: 'a' }, { k: 'b' }, { k: 'c' }]));
      expect(log).toEqual([
        'BEGIN IMMEDIATE',
        "INSERT INTO t (k, v) VALUES ('a', 0.0)",
        "INSERT INTO t (k, v) VALUES ('b', 1.0)",
        "INSERT INTO t (k, v) VALUES ('c', 2.0)",
        'COMMIT',
      ]);
    } finally {
      other.close();
    }
  });

  it('refuses a failing statement of a batch alone: the others commit', async () => {
    await traced.query('INSERT INTO t (k, v) VALUES ($1, $2)', ['dup', 0]);
    const outcomes = await Promise.allSettled([
      traced.query('INSERT INTO t (k, v) VALUES ($1, $2)', ['x', 1]),
      traced.query('INSERT INTO t (k, v) VALUES ($1, $2)', ['dup', 2]),
      traced.query('UPDATE t SET v = $2 WHERE k = $1 RETURNING v', ['dup', 3]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({
      code: 'STORE_QUERY_FAILED',
      message: 'SQLite refused a statement: UNIQUE constraint failed: t.k',
    });
    expect((outcomes[2] as PromiseFulfilledResult<unknown>).value).toEqual([{ v: 3 }]);
    expect(await traced.query('SELECT k, v FROM t ORDER BY k')).toEqual([
      { k: 'dup', v: 3 },
      { k: 'x', v: 1 },
    ]);
  });

  it('when a statement makes SQLite roll back the whole transaction, refuses those done before it and commits the ones after it', async () => {
    await traced.query('INSERT INTO t (k, v) VALUES ($1, $2)', ['dup', 0]);
    const outcomes = await Promise.allSettled([
      traced.query('INSERT INTO t (k, v) VALUES ($1, $2)', ['x', 1]),
      traced.query('INSERT OR ROLLBACK INTO t (k, v) VALUES ($1, $2)', ['dup', 2]),
      traced.query('INSERT INTO t (k, v) VALUES ($1, $2)', ['y', 3]),
    ]);
    expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as Error).message : 'fulfilled'))).toEqual([
      'SQLite rolled the transaction back with others committed together: UNIQUE constraint failed: t.k',
      'SQLite refused a statement: UNIQUE constraint failed: t.k',
      'fulfilled',
    ]);
    expect(await traced.query('SELECT k, v FROM t ORDER BY k')).toEqual([
      { k: 'dup', v: 0 },
      { k: 'y', v: 3 },
    ]);
  });

  it('runs statements made before a transaction before it, and a read with nothing queued at once', async () => {
    const write = traced.query('INSERT INTO t (k, v) VALUES ($1, $2)', ['before', 1]);
    const seen = await traced.transaction(async (tx) => tx.query('SELECT k FROM t'));
    await write;
    expect(seen).toEqual([{ k: 'before' }]);
    log.length = 0;
    expect(await traced.query('SELECT v FROM t WHERE k = $1', ['before'])).toEqual([{ v: 1 }]);
    expect(log).toEqual(["SELECT v FROM t WHERE k = 'before'"]);
  });

  it('binds a LIMIT placeholder as an expression (+?), which SQLite does not prepare again for every value, with every value in its place', async () => {
    for (const [k, v] of [
      ['a', 1],
      ['b', 2],
      ['c', 3],
      ['d', 4],
    ] as const)
      await traced.query('INSERT INTO t (k, v) VALUES ($1, $2)', [k, v]);
    log.length = 0;
    const page = (after: number, limit: number) => traced.query('SELECT k FROM t WHERE v > $2 ORDER BY v limit $1', [limit, after]);
    expect(await page(1, 2)).toEqual([{ k: 'b' }, { k: 'c' }]);
    expect(await page(0, 3)).toEqual([{ k: 'a' }, { k: 'b' }, { k: 'c' }]);
    expect(log).toEqual(['SELECT k FROM t WHERE v > 1.0 ORDER BY v limit +2.0', 'SELECT k FROM t WHERE v > 0.0 ORDER BY v limit +3.0']);
  });
});
