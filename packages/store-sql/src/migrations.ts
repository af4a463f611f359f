import type { SqlDriver } from './driver';
import { SqlStoreError } from './errors';

/** One schema version. `sql` gets the dialect so the few type differences stay here. */
interface Migration {
  version: number;
  description: string;
  sql(dialect: SqlDriver['dialect']): string[];
}

/** The schema history, oldest first. Never edit an applied migration; append a new one. */
export const MIGRATIONS: readonly Migration[] = Object.freeze([
  {
    version: 1,
    description: 'resources, transitions, runs and steps',
    sql: (dialect) => {
      const serial = dialect === 'postgres' ? 'BIGSERIAL PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT';
      return [
        `CREATE TABLE resources (
          seq ${serial},
          id TEXT NOT NULL UNIQUE,
          application TEXT NOT NULL,
          name TEXT NOT NULL,
          type TEXT NOT NULL,
          properties TEXT NOT NULL,
          state TEXT NOT NULL,
          pending_operation TEXT,
          generation INTEGER NOT NULL,
          run_id TEXT,
          outputs TEXT,
          error TEXT,
          attempts INTEGER NOT NULL DEFAULT 0,
          next_attempt_at BIGINT,
          lease_owner TEXT,
          lease_expires_at BIGINT,
          created_at BIGINT NOT NULL,
          updated_at BIGINT NOT NULL
        )`,
        `CREATE UNIQUE INDEX resources_live_name ON resources (application, name) WHERE state <> 'terminated'`,
        `CREATE INDEX resources_pending ON resources (seq) WHERE pending_operation IS NOT NULL`,
        `CREATE TABLE resource_transitions (
          seq ${serial},
          resource_id TEXT NOT NULL REFERENCES resources (id),
          from_state TEXT,
          to_state TEXT NOT NULL,
          at BIGINT NOT NULL,
          reason TEXT NOT NULL
        )`,
        `CREATE INDEX resource_transitions_resource ON resource_transitions (resource_id, seq)`,
        `CREATE TABLE runs (
          run_id TEXT PRIMARY KEY,
          workflow TEXT NOT NULL,
          parameters TEXT NOT NULL,
          context TEXT NOT NULL,
          status TEXT NOT NULL,
          outputs TEXT,
          error TEXT,
          attempt INTEGER NOT NULL,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
        )`,
        `CREATE TABLE run_steps (
          run_id TEXT NOT NULL REFERENCES runs (run_id),
          step_index INTEGER NOT NULL,
          name TEXT NOT NULL,
          type TEXT NOT NULL,
          status TEXT NOT NULL,
          attempt INTEGER NOT NULL,
          outputs TEXT,
          error TEXT,
          started_at TEXT NOT NULL,
          ended_at TEXT,
          PRIMARY KEY (run_id, step_index)
        )`,
      ];
    },
  },
  {
    version: 2,
    description: 'claim index without failed resources; index for listing by application',
    // The claim query's predicate is exactly this index's, so PostgreSQL and SQLite use it;
    // failed resources keep their pending operation but are never claimed, so they stay out.
    sql: () => [
      'DROP INDEX resources_pending',
      `CREATE INDEX resources_claimable ON resources (seq) WHERE pending_operation IS NOT NULL AND state <> 'failed'`,
      'CREATE INDEX resources_application ON resources (application, seq)',
    ],
  },
  {
    version: 3,
    description: "steps' remembered values (sealed), kept until the step succeeds",
    sql: () => ['ALTER TABLE run_steps ADD COLUMN memo TEXT'],
  },
  {
    version: 4,
    description: 'indexes for listing by type and by state, a page at a time',
    // Pages are ORDER BY seq LIMIT n after a cursor: with (column, seq) the database reads one page, not every match.
    sql: () => ['CREATE INDEX resources_type ON resources (type, seq)', 'CREATE INDEX resources_state ON resources (state, seq)'],
  },
  {
    version: 5,
    description: "a resource's class and metadata",
    sql: () => ['ALTER TABLE resources ADD COLUMN class TEXT', 'ALTER TABLE resources ADD COLUMN metadata TEXT'],
  },
  {
    version: 6,
    description: 'lease epochs: every claim starts a new one, and writes of an earlier holder are refused',
    sql: () => ['ALTER TABLE resources ADD COLUMN lease_epoch BIGINT NOT NULL DEFAULT 0'],
  },
  {
    version: 7,
    description: "applications' specs, with the names of the resources each asks for",
    // Names compare by bytes on both databases (SQLite's BINARY, PostgreSQL's "C"), so pages follow the primary key.
    sql: (dialect) => [
      `CREATE TABLE specs (
        name TEXT${dialect === 'postgres' ? ' COLLATE "C"' : ''} PRIMARY KEY,
        spec TEXT NOT NULL,
        resources TEXT NOT NULL,
        submitted_at BIGINT NOT NULL
      )`,
    ],
  },
]);

/** The newest schema version this code knows. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * Brings the schema up to {@link SCHEMA_VERSION} in one transaction (both
 * databases have transactional DDL). Concurrent starters serialize on an advisory lock (PostgreSQL)
 * or the write lock (SQLite). Refuses a database newer than this code.
 */
export async function migrate(driver: SqlDriver): Promise<number> {
  return driver.transaction(async (tx) => {
    if (driver.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(7358130001)');
    await tx.query('CREATE TABLE IF NOT EXISTS innominatus_schema (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const [row] = await tx.query<{ version: number | null }>('SELECT MAX(version) AS version FROM innominatus_schema');
    const current = Number(row?.version ?? 0);
    if (current > SCHEMA_VERSION) {
      throw new SqlStoreError(
        'STORE_SCHEMA_TOO_NEW',
        `the database schema is version ${current}, newer than this code's ${SCHEMA_VERSION}; upgrade @innominatus/store-sql`,
      );
    }
    for (const m of MIGRATIONS.filter((x) => x.version > current)) {
      try {
        for (const statement of m.sql(driver.dialect)) await tx.query(statement);
      } catch (cause) {
        throw new SqlStoreError('STORE_MIGRATION_FAILED', `schema migration ${m.version} (${m.description}) failed: ${(cause as Error).message}`, { cause });
      }
      await tx.query('INSERT INTO innominatus_schema (version, description, applied_at) VALUES ($1, $2, $3)', [
        m.version,
        m.description,
        new Date().toISOString(),
      ]);
    }
    return SCHEMA_VERSION;
  });
}
