import type { Sensitive } from '@innominatus/core';

/** Where a provider comes from. */
export type ProviderSource = { type: 'filesystem'; path: string } | { type: 'git'; repository: string; ref: string; path?: string };

/** One configured provider. */
export interface ProviderConfig {
  name: string;
  enabled: boolean;
  source: ProviderSource;
}

/** The two roles a token can have: `admin` may also reveal sensitive values. */
export type Role = 'user' | 'admin';

/** One API token. The token itself stays wrapped so it never prints. */
export interface TokenConfig {
  name: string;
  role: Role;
  token: Sensitive<string>;
}

/** Where resources and runs are stored. */
export type StoreConfig = { kind: 'sqlite'; filename: string } | { kind: 'postgres'; connectionString: Sensitive<string> } | { kind: 'memory' };

/** The validated configuration of a host, with defaults applied and secrets wrapped. */
export interface HostConfig {
  /** Absolute path of the file it was read from, when there was one. */
  file?: string;
  server: { host: string; port: number; bodyLimit: number };
  store: StoreConfig;
  /** `maxConnections`: most connections the Kubernetes steps' client opens at once for requests (default: the client's, `DEFAULT_CONNECTIONS`). */
  kubernetes: { mode: 'kubeconfig' | 'in-cluster' | 'simulate'; kubeconfig?: string; context?: string; maxConnections?: number };
  auth: { tokens: TokenConfig[] };
  /** Step modules to load besides the Kubernetes steps (`specifier` as written; paths and packages resolve from `baseDir`, the configuration file's folder). */
  steps: { specifier: string; baseDir: string }[];
  providers: ProviderConfig[];
  /** `leaseMs`: how long claimed work stays with a host that stopped answering (crash) before another takes it. */
  /**
   * `instanceId`: this host's lease owner name, stable across its restarts
   * and unique among running hosts (default: see `instanceIdFor`).
   */
  orchestrator: { concurrency: number; pollIntervalMs: number; leaseMs: number; instanceId?: string };
  secrets: { encryptionKey?: Sensitive<string> };
  logging: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' };
  /** OpenTelemetry: spans of submissions, runs and steps go over OTLP/HTTP to `otlpEndpoint` when it is set. */
  telemetry: { otlpEndpoint?: string; serviceName: string };
  /** `innominatusDialect`: read `env:` and `properties:` as Score's `variables` and `params`, with a warning. */
  score: { innominatusDialect: boolean };
}
