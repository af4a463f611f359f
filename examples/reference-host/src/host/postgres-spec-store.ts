import pg from 'pg';
import type { SpecStore, StoredSpec } from '../spec-store';

const SCHEMA = `CREATE TABLE IF NOT EXISTS innominatus_host_specs (
  name text PRIMARY KEY,
  spec jsonb NOT NULL,
  submitted_at timestamptz NOT NULL
)`;

/**
 * Score specs in the same PostgreSQL database as the resources, so every
 * replica of the host sees the same specs. The table is the host's own
 * (`innominatus_host_specs`), made on start when missing.
 */
export class PostgresSpecStore implements SpecStore {
  readonly #pool: pg.Pool;
  private constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** Connects (a small pool) and creates the table when missing. */
  static async open(connectionString: string): Promise<PostgresSpecStore> {
    const pool = new pg.Pool({ connectionString, max: 3 });
    try {
      await pool.query(SCHEMA);
    } catch (err) {
      await pool.end();
      throw err;
    }
    return new PostgresSpecStore(pool);
  }

  async get(name: string): Promise<StoredSpec | undefined> {
    const { rows } = await this.#pool.query('SELECT name, spec, submitted_at FROM innominatus_host_specs WHERE name = $1', [name]);
    return rows[0] && toSpec(rows[0]);
  }

  async put(spec: StoredSpec): Promise<void> {
    await this.#pool.query(
      `INSERT INTO innominatus_host_specs (name, spec, submitted_at) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET spec = EXCLUDED.spec, submitted_at = EXCLUDED.submitted_at`,
      [spec.name, JSON.stringify(spec.spec), spec.submittedAt],
    );
  }

  async delete(name: string): Promise<boolean> {
    return ((await this.#pool.query('DELETE FROM innominatus_host_specs WHERE name = $1', [name])).rowCount ?? 0) > 0;
  }

  async list(): Promise<StoredSpec[]> {
    return (await this.#pool.query('SELECT name, spec, submitted_at FROM innominatus_host_specs ORDER BY name')).rows.map(toSpec);
  }

  close(): Promise<void> {
    return this.#pool.end();
  }
}

function toSpec(row: { name: string; spec: StoredSpec['spec']; submitted_at: Date }): StoredSpec {
  return { name: row.name, spec: row.spec, submittedAt: row.submitted_at.toISOString() };
}
