import { ephemeralEncrypter, silentLogger, type Clock, type Encrypter, type Logger, type Store } from '@innominatus/core';
import { migrate } from './migrations';
import { importPg, PostgresDriver } from './postgres-driver';
import { SqlStore } from './sql-store';

/** Options of {@link createPostgresStore}. */
export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database`. */
  connectionString: string;
  /** Connections in the pool (default 10); one more is held for LISTEN. */
  poolSize?: number;
  /**
   * Seals sensitive properties and outputs. Every replica must use the same
   * key (`aesGcmEncrypter(key)`); the default is a random per-process key.
   */
  encrypter?: Encrypter;
  logger?: Logger;
  /** The clock that stamps rows and decides lease expiry (default the system clock; tests pass a fake clock). Replicas' clocks should agree within a fraction of the lease. */
  clock?: Pick<Clock, 'now'>;
}

/**
 * A {@link Store} on PostgreSQL for any number of replicas: claims use
 * `FOR UPDATE SKIP LOCKED`, wake-ups travel by LISTEN/NOTIFY on a dedicated
 * connection, statements share a pool. Runs schema migrations before returning.
 * Needs the `pg` package (an optional peer dependency): without it, `DRIVER_MISSING`.
 *
 * @example
 * const store = await createPostgresStore({ connectionString: process.env.DATABASE_URL!, poolSize: 20, encrypter });
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const driver = new PostgresDriver(await importPg(), options.connectionString, options.poolSize ?? 10, options.logger ?? silentLogger);
  try {
    await migrate(driver);
    const store = new SqlStore(driver, { encrypter: options.encrypter ?? ephemeralEncrypter(), clock: options.clock });
    await store.listen();
    return store;
  } catch (error) {
    await driver.close();
    throw error;
  }
}
