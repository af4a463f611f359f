import { MemoryStore, reveal, type Encrypter, type Store } from '@innominatus/core';
import { createPostgresStore, createSqliteStore } from '@innominatus/store-sql';
import type { Logger } from 'pino';
import { fromPino } from '@innominatus/core';
import type { StoreConfig } from '../config/host-config';

/** The store of a configured backend (resources, runs and the applications' specs), and how the host names it. */
export async function openStore(config: StoreConfig, encrypter: Encrypter, logger: Logger): Promise<{ store: Store; description: string }> {
  if (config.kind === 'memory') return { store: new MemoryStore({ encrypter }), description: 'in memory (nothing survives a restart)' };
  if (config.kind === 'sqlite') return { store: await createSqliteStore({ filename: config.filename, encrypter }), description: `SQLite ${config.filename}` };
  const connectionString = reveal(config.connectionString);
  const store = await createPostgresStore({ connectionString, encrypter, logger: fromPino(logger) });
  const host = new URL(connectionString);
  return { store, description: `PostgreSQL ${host.hostname}:${host.port || 5432}${host.pathname}` };
}
