/**
 * The configuration file of the reference hosts the benchmarks start, and the
 * admin token their clients send.
 */
import { fileURLToPath } from 'node:url';

/** The admin token in every benchmark host's configuration (`Authorization: Bearer …`). */
export const BENCH_TOKEN = 'bench-admin-token-0123456789abcdef';

/** This checkout's database-team provider, the one every benchmark host loads unless told otherwise. */
export const PROVIDER_DIR = fileURLToPath(new URL('../../providers/database-team', import.meta.url));

/** What differs between the benchmarks' hosts; each section is a YAML flow mapping. */
export interface HostConfigOptions {
  /** The store's URL: `sqlite:<file>` or a PostgreSQL connection string. */
  store: string;
  /** The `kubernetes` section, e.g. `{ mode: simulate }`. */
  kubernetes: string;
  /** The `server` section; `{ host: 127.0.0.1, port: 0 }` unless given. */
  server?: string;
  /** The `orchestrator` section; the host's defaults unless given. */
  orchestrator?: string;
  /** The database-team provider's folder (another checkout's, for an A/B); {@link PROVIDER_DIR} unless given. */
  providerDir?: string;
}

/** The YAML text of a benchmark host's configuration: one admin token ({@link BENCH_TOKEN}), the database-team provider, warnings only in the log. */
export function hostConfigText(options: HostConfigOptions): string {
  return [
    `server: ${options.server ?? '{ host: 127.0.0.1, port: 0 }'}`,
    `store: { url: "${options.store}" }`,
    `kubernetes: ${options.kubernetes}`,
    'auth:',
    '  tokens:',
    `    - { name: bench, role: admin, token: ${BENCH_TOKEN} }`,
    'providers:',
    `  - { name: database-team, type: filesystem, path: "${options.providerDir ?? PROVIDER_DIR}" }`,
    ...(options.orchestrator ? [`orchestrator: ${options.orchestrator}`] : []),
    `secrets: { encryptionKey: ${'ab'.repeat(32)} }`,
    'logging: { level: warn }',
    '',
  ].join('\n');
}
