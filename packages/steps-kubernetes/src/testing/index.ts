/**
 * `@innominatus/steps-kubernetes/testing`: an in-memory Kubernetes API server
 * for unit tests (served through nock or real HTTP), fault injection, a request
 * log, and operator simulators.
 *
 * @packageDocumentation
 */
export { createMockCluster, MockCluster } from './mock-cluster';
export type { MockClusterOptions, ObjectRef, RequestQuery } from './mock-cluster';
export { closeClusters } from './close-clusters';
export type { ListenOptions, MockClusterServer } from './http-transport';
export { mockKubeConfig } from './kubeconfig';
export { FaultInjector } from './fault-injector';
export type { DelayOptions, FailOptions, RequestMatch, RequestInfo } from './fault-injector';
export { ObjectStore, splitApiVersion, resourceName, DEFAULT_HISTORY_LIMIT, DEFAULT_FIELD_MANAGER } from './object-store';
export type { ListFilter, WriteResult, WriteOptions, DeleteOptions, PatchType } from './object-store';
export type { ManagedFieldsEntry } from './managed-fields';
export { startMockClusterFromArgs, MockClusterUsageError, MOCK_CLUSTER_USAGE } from './cli/mock-cluster-cli';
export type { MockClusterProcess } from './cli/mock-cluster-cli';
export { ApiStatusError } from './api-status';
export type { ConversionWebhook, ConversionStrategy } from './conversion';
export { BUILTIN_KINDS } from './builtin-kinds';
export type { KindSpec, ResolvedKind, MockObject, MockObjectMeta, StoreEvent, LoggedRequest, MockRequest, MockResponse } from './types';
export {
  zalandoPostgresOperator,
  POSTGRES_OPERATOR_FINALIZER,
  credentialsSecretName,
  generatePassword,
  ROLE_NAME,
  POSTGRESQL_API_VERSION,
  POSTGRESQL_KIND,
  postgresqlCrd,
  postgresqlSchema,
  POSTGRES_VERSIONS_V2,
  QUANTITY_PATTERN,
  CPU_PATTERN,
  ROLE_FLAGS,
} from './zalando/index';
export { redisOperator, redisCrd, REDIS_API_VERSION, REDIS_KIND, REDIS_FINALIZER } from './opstree/index';
export type { RedisOperator, RedisOperatorOptions } from './opstree/index';
export { operatorSimulator } from './simulator/operator-simulator';
export type { OperatorSimulator, OperatorSimulatorOptions, SimulatorContext } from './simulator/operator-simulator';
export { recordEvent } from './simulator/events';
export { EVENTS_V1_VIEW } from './event-views';
export type { KindView } from './event-views';
export type { EventSpec } from './simulator/events';
export type { ZalandoOperator, ZalandoOperatorOptions, ZalandoScript, ZalandoCreateOutcome, ZalandoUpdateOutcome, ZalandoTransition } from './zalando/index';
