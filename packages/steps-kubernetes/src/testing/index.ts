/**
 * `@innominatus/steps-kubernetes/testing`: an in-memory Kubernetes API server
 * for unit tests (served through nock or real HTTP), fault injection, a request
 * log, and operator simulators.
 *
 * @packageDocumentation
 */
export { createMockCluster, MockCluster } from './mock-cluster';
export type { MockClusterOptions, ObjectRef, RequestQuery } from './mock-cluster';
export type { MockClusterServer } from './http-transport';
export { mockKubeConfig } from './kubeconfig';
export { FaultInjector } from './fault-injector';
export type { FailOptions, RequestMatch, RequestInfo } from './fault-injector';
export { ObjectStore, splitApiVersion, DEFAULT_HISTORY_LIMIT } from './object-store';
export type { ListFilter, WriteResult } from './object-store';
export { ApiStatusError } from './api-status';
export { BUILTIN_KINDS } from './builtin-kinds';
export type { KindSpec, ResolvedKind, MockObject, MockObjectMeta, StoreEvent, LoggedRequest, MockRequest, MockResponse } from './types';
export {
  zalandoPostgresOperator, credentialsSecretName, generatePassword, ROLE_NAME,
  POSTGRESQL_KIND_SPEC, POSTGRESQL_API_VERSION, POSTGRESQL_KIND, validatePostgresqlSchema,
} from './zalando/index';
export type { ZalandoOperator, ZalandoOperatorOptions, ZalandoScript, ZalandoCreateOutcome, ZalandoUpdateOutcome, ZalandoTransition } from './zalando/index';
