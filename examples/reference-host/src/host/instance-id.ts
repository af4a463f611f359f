import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { HostConfig } from '../config/host-config';

/**
 * This host's lease owner name: the configured `orchestrator.instanceId`;
 * with a SQLite store, derived from the host name and the database file (one
 * host per file, so the same on every restart of this host and of no other);
 * otherwise undefined: the orchestrator makes a new one on every start, as
 * replicas sharing PostgreSQL from one machine must not share a name.
 */
export function instanceIdFor(config: Pick<HostConfig, 'orchestrator' | 'store'>, host: string = hostname()): string | undefined {
  if (config.orchestrator.instanceId) return config.orchestrator.instanceId;
  if (config.store.kind !== 'sqlite') return undefined;
  const file = createHash('sha256').update(resolve(config.store.filename)).digest('hex').slice(0, 12);
  return `${host}:${file}`;
}
