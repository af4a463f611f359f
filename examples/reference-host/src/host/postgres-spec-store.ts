import pg from 'pg';
import { StoreUnavailableError } from '../errors';
import type { SpecPage, SpecStore, SpecSummary, SpecTransaction, StoredSpec } from '../spec-store';
import { isStoreUnavailable } from '../util/connection-error';
import { KeyedLock } from '../util/keyed-lock';

const TABLE = 'innominatus_host_specs';

const SCHEMA = `CREATE TABLE IF NOT EXISTS ${TABLE} (
  name text PRIMARY KEY,
  spec jsonb NOT NULL,
  submitted_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS ${TABLE}_name_c ON ${TABLE} (name COLLATE "C")`;

/** Anything that runs a query: the pool, or the client of a transaction. */
interface Queryable {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

interface SpecRow {
  name: string;
  spec: StoredSpec['spec'];
  submitted_at: Date;
}

/** Options of {@link PostgresSpecStore.open}. */
export interface PostgresSpecStoreOptions {
  /** Told about errors of idle pooled connections (e.g. the server restarted); they are not fatal. */
  onIdleError?: (error: Error) => void;
}

/**
 * Score specs in the same PostgreSQL database as the resources, so every
 * replica of the host sees the same specs. The table is the host's own
 * (`innominatus_host_specs`), made on start when missing. {@link withLock}
 * holds a transaction-scoped advisory lock on the application, so replicas
 * change one application one at a time.
 */
export class PostgresSpecStore implements SpecStore {
  readonly #pool: pg.Pool;
  readonly #local = new KeyedLock();
  private constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** Connects (a small pool) and creates the table when missing (under a lock, so that hosts starting together do not collide). */
  static async open(connectionString: string, options: PostgresSpecStoreOptions = {}): Promise<PostgresSpecStore> {
    const pool = new pg.Pool({ connectionString, max: 4 });
    // Without a listener, an idle client cut by the server (a restart: 57P01) would be an unhandled 'error' event and end the process.
    pool.on('error', (error) => options.onIdleError?.(error));
    try {
      await inTransaction(pool, async (client) => {
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [TABLE]);
        await client.query(SCHEMA);
      });
    } catch (err) {
      await pool.end();
      throw err;
    }
    return new PostgresSpecStore(pool);
  }

  get(name: string): Promise<StoredSpec | undefined> {
    return guarded(() => getSpec(this.#pool, name));
  }

  put(spec: StoredSpec): Promise<void> {
    return guarded(() => putSpec(this.#pool, spec));
  }

  delete(name: string): Promise<boolean> {
    return guarded(() => deleteSpec(this.#pool, name));
  }

  list(page: SpecPage): Promise<SpecSummary[]> {
    // Only the resource names leave the database, sorted there; the primary key gives the page.
    return guarded(async () =>
      (
        await this.#pool.query<{ name: string; submitted_at: Date; resources: string[] }>(
          `SELECT name, submitted_at,
              ARRAY(SELECT k FROM jsonb_object_keys(CASE WHEN jsonb_typeof(spec->'resources') = 'object' THEN spec->'resources' ELSE '{}'::jsonb END) AS k ORDER BY k COLLATE "C") AS resources
       FROM ${TABLE} WHERE $1::text IS NULL OR name COLLATE "C" > $1 ORDER BY name COLLATE "C" LIMIT $2`,
          [page.after ?? null, page.limit],
        )
      ).rows.map((r) => ({ name: r.name, submittedAt: r.submitted_at.toISOString(), resources: r.resources })),
    );
  }

  withLock<T>(name: string, fn: (tx: SpecTransaction) => Promise<T>): Promise<T> {
    // Callers of this process queue here first, so that waiting for the advisory lock never takes more than one pooled connection per application.
    return this.#local.run(name, () =>
      guarded(() =>
        inTransaction(this.#pool, async (client) => {
          await client.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [TABLE, name]);
          return fn({
            get: (n) => getSpec(client, n),
            put: (s) => putSpec(client, s),
            delete: (n) => deleteSpec(client, n),
          });
        }),
      ),
    );
  }

  close(): Promise<void> {
    return this.#pool.end();
  }
}

async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // A checked-out client has no listener of the pool's: a connection cut between two queries would otherwise be an unhandled 'error'.
  const onError = (error: Error) => (broken = error);
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
    throw err;
  } finally {
    client.removeListener('error', onError);
    client.release(broken);
  }
}

/** Runs a database call; a cut or refused connection becomes a {@link StoreUnavailableError}. */
async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isStoreUnavailable(err)) throw new StoreUnavailableError();
    throw err;
  }
}

async function getSpec(db: Queryable, name: string): Promise<StoredSpec | undefined> {
  const { rows } = await db.query<SpecRow>(`SELECT name, spec, submitted_at FROM ${TABLE} WHERE name = $1`, [name]);
  return rows[0] && toSpec(rows[0]);
}

async function putSpec(db: Queryable, spec: StoredSpec): Promise<void> {
  await db.query(
    `INSERT INTO ${TABLE} (name, spec, submitted_at) VALUES ($1, $2, $3)
     ON CONFLICT (name) DO UPDATE SET spec = EXCLUDED.spec, submitted_at = EXCLUDED.submitted_at`,
    [spec.name, JSON.stringify(spec.spec), spec.submittedAt],
  );
}

async function deleteSpec(db: Queryable, name: string): Promise<boolean> {
  return ((await db.query(`DELETE FROM ${TABLE} WHERE name = $1`, [name])).rowCount ?? 0) > 0;
}

function toSpec(row: SpecRow): StoredSpec {
  return { name: row.name, spec: row.spec, submittedAt: row.submitted_at.toISOString() };
}
