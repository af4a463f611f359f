import { ephemeralEncrypter, type Clock, type Encrypter, type Store } from '@innominatus/core';
import { migrate } from './migrations';
import { importBetterSqlite3, SqliteDriver } from './sqlite-driver';
import { SqlStore } from './sql-store';

/** Options of {@link createSqliteStore}. */
export interface SqliteStoreOptions {
  /** Database file; `:memory:` for a throwaway database. */
  filename: string;
  /**
   * Seals sensitive properties and outputs. Give a persistent key
   * (`aesGcmEncrypter(key)`) when the file must be readable after a restart;
   * the default is a random per-process key.
   */
  encrypter?: Encrypter;
  /** How long a statement waits for another process's write lock (default 5000 ms). */
  busyTimeoutMs?: number;
  /** The clock that stamps rows and decides lease expiry (default the system clock; tests pass a fake clock). */
  clock?: Pick<Clock, 'now'>;
}

/**
 * A {@link Store} in one SQLite file (better-sqlite3, WAL): the embedded
 * default, no server. Runs schema migrations before returning. Wake-ups reach
 * orchestrators in the same process at once; other processes sharing the
 * file see new work on their safety-net poll. Needs the `better-sqlite3`
 * package (an optional peer dependency): without it, `DRIVER_MISSING`.
 *
 * @example
 * const store = await createSqliteStore({ filename: 'innominatus.db', encrypter: aesGcmEncrypter(process.env.INNOMINATUS_KEY!) });
 */
export async function createSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const driver = new SqliteDriver(await importBetterSqlite3(), options.filename, options.busyTimeoutMs);
  try {
    await migrate(driver);
  } catch (error) {
    await driver.close();
    throw error;
  }
  return new SqlStore(driver, { encrypter: options.encrypter ?? ephemeralEncrypter(), clock: options.clock });
}
