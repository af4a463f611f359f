import type { Logger as PinoLogger } from 'pino';
import type { Orchestrator, ProviderRegistry, Store } from '@innominatus/core';
import type { Diagnostic } from '@innominatus/provider-sdk';
import type { Authenticator } from './http/auth';
import type { EventHub } from './event-hub';
import type { HostMetrics } from './metrics';
import type { ReadinessProbe } from './readiness';
import type { HostTelemetry } from './host/telemetry';
import type { WritesInFlight } from './http/writes-in-flight';

/**
 * How the host asks for work on resources: the orchestrator's request
 * methods (`createOrchestrator` from `@innominatus/core`), and its
 * transactions, in which a submission stores its spec and its requests together.
 */
export type ResourceRequests = Pick<Orchestrator, 'submit' | 'update' | 'delete' | 'retry' | 'transaction'>;

/**
 * One diagnostic of a provider that failed to load or validate: the SDK's
 * `Diagnostic` without its pointer; a failure outside any document (an
 * unreachable repository) has no code or position.
 */
export type ProviderDiagnostic = Pick<Diagnostic, 'severity' | 'message'> & Partial<Pick<Diagnostic, 'code' | 'file' | 'line' | 'col'>>;

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
  /** Resources, runs and the applications' specs. */
  store: Store;
  requests: ResourceRequests;
  registry: ProviderRegistry;
  providers: ProviderStatus[];
  hub: EventHub;
  metrics: HostMetrics;
  authenticator: Authenticator;
  logger: PinoLogger;
  bodyLimit: number;
  /** Dependencies `/ready` checks besides the store (the host adds Kubernetes). */
  readiness?: ReadinessProbe[];
  /** How Score specs are read; absent: the defaults. */
  score?: ScoreOptions;
  /** Tracing of submissions (and, through core, of runs and steps); absent: submissions are not traced. */
  telemetry?: HostTelemetry;
  /** Counts the write requests being answered (the orchestrator claims new work once they are); absent: not counted. */
  writes?: WritesInFlight;
}

/** How the host reads Score specs. */
export interface ScoreOptions {
  /** Read innominatus' `env:` and `properties:` as Score's `variables` and `params`, with a warning (default true). */
  innominatusDialect: boolean;
}
