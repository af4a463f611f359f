/**
 * The innominatus reference host: configuration, the HTTP API over Score
 * specs, and the wiring of engine, orchestrator, store and Kubernetes steps.
 * Private; exported for the end-to-end tests in `test/`.
 *
 * @packageDocumentation
 */
export { createHost } from './host/create-host';
export type { Host, HostOptions } from './host/create-host';
export type { Simulation } from './host/kubernetes-access';
export { loadConfig } from './config/load-config';
export type { LoadConfigOptions } from './config/load-config';
export type { HostConfig, ProviderConfig, TokenConfig, StoreConfig, Role } from './config/host-config';
export { createServer } from './http/server';
export type { HostServices, ResourceRequests, ProviderStatus, ProviderDiagnostic } from './host-services';
export type { HostEvent, ResourceEvent, StepEvent } from './event-hub';
export { parseScore } from './score/score-spec';
export type { ScoreSpec } from './score/score-spec';
export { HostError, ConfigError, ScoreError, PlaceholderError } from './errors';
export type { HostErrorCode, Issue } from './errors';
