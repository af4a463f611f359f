/** The PostgreSQL LISTEN/NOTIFY channel that carries wake-ups between replicas. */
export const WORK_CHANNEL = 'innominatus_work';

/** A row as a driver returns it. */
export type SqlRow = Record<string, unknown>;

/** Runs one parameterized statement. Placeholders are `$1`, `$2`, ... for every dialect. */
export interface SqlExecutor {
  query<T extends SqlRow = SqlRow>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

/** The database behind a SQL store: one dialect, transactions, close. */
export interface SqlDriver extends SqlExecutor {
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs `fn` in one write transaction; rolls back when it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * Sends a wake-up to every other process on the same database inside
   * `tx` (delivered on commit). A no-op where the database has no such channel.
   */
  notify(tx: SqlExecutor): Promise<void>;
  /** Subscribes to wake-ups from other processes; a no-op where there are none. */
  listen(onNotify: () => void): Promise<void>;
  close(): Promise<void>;
}

/** The unique-violation or foreign-key-violation kind of a driver error, if it is one. */
export function constraintKind(error: unknown): 'unique' | 'foreign-key' | undefined {
  // Drivers wrap their errors (SqlStoreError); the database's code is on the cause.
  const raw = (error as { cause?: unknown } | null)?.cause ?? error;
  const code = (raw as { code?: unknown } | null)?.code;
  if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return 'unique';
  if (code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return 'foreign-key';
  return undefined;
}
