import { MemoryStore, reveal, type Encrypter, type Store } from '@innominatus/core';
import { createPostgresStore, createSqliteStore } from '@innominatus/store-sql';
import type { Logger } from 'pino';
import { fromPino } from '@innominatus/core';
import type { StoreConfig } from '../config/host-config';
import { FileSpecStore, MemorySpecStore, type SpecStore } from '../spec-store';
import { PostgresSpecStore } from './postgres-spec-store';

/** The resource store and the spec store of a configured backend. */
export async function openStores(
  config: StoreConfig,
  encrypter: Encrypter,
  logger: Logger,
): Promise<{ store: Store; specs: SpecStore; description: string; close(): Promise<void> }> {
  if (config.kind === 'memory') {
    const store = new MemoryStore({ encrypter });
    return { store, specs: new MemorySpecStore(), description: 'in memory (nothing survives a restart)', close: () => store.close() };
  }
  if (config.kind === 'sqlite') {
    const store = await createSqliteStore({ filename: config.filename, encrypter });
    return { store, specs: new FileSpecStore(`${config.filename}.specs`), description: `SQLite ${config.filename}`, close: () => store.close() };
  }
  const connectionString = reveal(config.connectionString);
  const store = await createPostgresStore({ connectionString, encrypter, logger: fromPino(logger) });
  let specs: PostgresSpecStore;
  try {
    specs = await PostgresSpecStore.open(connectionString, {
      onIdleError: (error) =>
        logger.warn(
          { code: (error as { code?: string }).code },
          `idle PostgreSQL connection of the spec store failed (it is replaced on next use): ${error.message}`,
        ),
    });
  } catch (err) {
    await store.close().catch((closeError: Error) => logger.error({ err: closeError }, 'closing the resource store failed'));
    throw err;
  }
  const host = new URL(connectionString);
  return {
    store,
    specs,
    description: `PostgreSQL ${host.hostname}:${host.port || 5432}${host.pathname}`,
    async close() {
      await specs.close();
      await store.close();
    },
  };
}
