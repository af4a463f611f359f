import type { Logger as PinoLogger } from 'pino';
import type { NewResource, ProviderRegistry, ResourceRecord, Store } from '@innominatus/core';
import type { Authenticator } from './http/auth';
import type { EventHub } from './event-hub';
import type { HostMetrics } from './metrics';
import type { ReadinessProbe } from './readiness';
import type { SpecStore } from './spec-store';

/**
 * How the host asks for work on resources. `createOrchestrator` from
 * `@innominatus/core` has this shape; tests may pass a fake.
 */
export interface ResourceRequests {
  /** Creates a resource in `requested` and wakes the workers. */
  submit(resource: NewResource): Promise<ResourceRecord>;
  /** Asks for an update of an active resource to these properties; a failed create or update runs again with them. */
  update(id: string, properties: Record<string, unknown>): Promise<ResourceRecord>;
  /** Asks for an active or failed resource to be deleted. */
  delete(id: string): Promise<ResourceRecord>;
  /** Retries a failed resource from its failed step. */
  retry(id: string): Promise<ResourceRecord>;
}

/** One diagnostic of a provider that failed to load or validate. */
export interface ProviderDiagnostic {
  severity: 'error' | 'warning';
  code?: string;
  message: string;
  file?: string;
  line?: number;
  col?: number;
}

/** A configured provider and what became of it at start. */
export interface ProviderStatus {
  name: string;
  enabled: boolean;
  status: 'registered' | 'failed' | 'disabled';
  source: { type: 'filesystem'; path: string } | { type: 'git'; repository: string; ref: string; commit?: string };
  diagnostics: ProviderDiagnostic[];
}

/** Everything the HTTP API works with. The host builds it; tests can build it from fakes. */
export interface HostServices {
  store: Store;
  requests: ResourceRequests;
  registry: ProviderRegistry;
  providers: ProviderStatus[];
  specs: SpecStore;
  hub: EventHub;
  metrics: HostMetrics;
  authenticator: Authenticator;
  logger: PinoLogger;
  bodyLimit: number;
  /** Dependencies `/ready` checks besides the store (the host adds Kubernetes). */
  readiness?: ReadinessProbe[];
  /** How Score specs are read; absent: the defaults. */
  score?: ScoreOptions;
}

/** How the host reads Score specs. */
export interface ScoreOptions {
  /** Read innominatus' `env:` and `properties:` as Score's `variables` and `params`, with a warning (default true). */
  innominatusDialect: boolean;
}
