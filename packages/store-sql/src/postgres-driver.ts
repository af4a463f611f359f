import type pg from 'pg';
import type { Logger } from '@innominatus/core';
import { WORK_CHANNEL, type SqlDriver, type SqlExecutor, type SqlRow } from './driver';
import { wrapDriverError } from './errors';
import { importDriver } from './optional-peer';

/** node-postgres, imported on first use (an optional peer dependency). */
export type NodePostgres = typeof pg;

/** Imports pg, or throws `DRIVER_MISSING` saying to install it. */
export function importPg(): Promise<NodePostgres> {
  return importDriver<NodePostgres>('pg', 'createPostgresStore', () => import('pg'));
}

/**
 * node-postgres behind the driver interface: a pool for statements and one
 * dedicated client for LISTEN, reconnected after a failure.
 */
export class PostgresDriver implements SqlDriver {
  readonly dialect = 'postgres' as const;
  readonly #pg: NodePostgres;
  readonly #pool: pg.Pool;
  readonly #connectionString: string;
  readonly #logger: Logger;
  #listener: pg.Client | undefined;
  #onNotify?: () => void;
  #closed = false;

  constructor(driver: NodePostgres, connectionString: string, poolSize: number, logger: Logger) {
    this.#pg = driver;
    this.#connectionString = connectionString;
    this.#logger = logger;
    this.#pool = new driver.Pool({ connectionString, max: poolSize });
    this.#pool.on('error', (error) => logger.warn('idle PostgreSQL connection failed', { error: error.message }));
  }

  async query<T extends SqlRow = SqlRow>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    const result = await this.#pool.query(sql, params as unknown[]).catch(failed);
    return result.rows as T[];
  }

  /** Statements of `fn` fail as store errors; an error `fn` throws itself reaches the caller unchanged. */
  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect().catch(failed);
    let broken: Error | undefined;
    // A checked-out client has no listener of the pool's: a connection cut between two statements would otherwise be an unhandled 'error'.
    const onError = (error: Error) => {
      broken = error;
    };
    client.on('error', onError);
    const query = async <R extends SqlRow>(sql: string, params: readonly unknown[] = []) =>
      (await client.query(sql, params as unknown[]).catch(failed)).rows as R[];
    try {
      await query('BEGIN');
      const result = await fn({ query });
      await query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw error;
    } finally {
      client.removeListener('error', onError);
      // A client whose connection failed is discarded, not returned to the pool.
      client.release(broken);
    }
  }

  async notify(tx: SqlExecutor): Promise<void> {
    await tx.query(`SELECT pg_notify('${WORK_CHANNEL}', '')`);
  }

  async listen(onNotify: () => void): Promise<void> {
    this.#onNotify = onNotify;
    await this.#connectListener();
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#listener?.end().catch(() => undefined);
    await this.#pool.end();
  }

  async #connectListener(): Promise<void> {
    const client = new this.#pg.Client({ connectionString: this.#connectionString });
    client.on('notification', () => this.#onNotify?.());
    client.on('error', (error) => {
      this.#logger.warn('PostgreSQL LISTEN connection failed; reconnecting', { error: error.message });
      this.#listener = undefined;
      client.end().catch(() => undefined);
      this.#reconnectLater();
    });
    await client.connect().catch(failed);
    await client.query(`LISTEN ${WORK_CHANNEL}`).catch(failed);
    if (this.#closed) {
      await client.end();
      return;
    }
    this.#listener = client;
  }

  #reconnectLater(): void {
    if (this.#closed) return;
    setTimeout(() => {
      if (this.#closed) return;
      this.#connectListener().then(
        () => this.#onNotify?.(),
        () => this.#reconnectLater(),
      );
    }, 1_000).unref();
  }
}

function failed(cause: unknown): never {
  throw wrapDriverError(cause, 'PostgreSQL');
}
