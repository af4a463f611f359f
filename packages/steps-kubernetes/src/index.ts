/**
 * `@innominatus/steps-kubernetes`: Kubernetes steps for innominatus workflows
 * (server-side apply, shared-watch waits with CEL conditions, Secret reads as
 * sensitive values, deletes) on `@kubernetes/client-node`.
 *
 * The mock cluster for tests is in `@innominatus/steps-kubernetes/testing`.
 *
 * @packageDocumentation
 */
export { kubernetesApply, MAX_MANIFESTS } from './apply/kubernetes-apply';
export { waitForCondition } from './wait/wait-for-condition';
export { readSecret } from './secret/read-secret';
export type { ReadSecretOptions } from './secret/read-secret';
export { generateSecret, ALPHABETS } from './secret/generate-secret';
export type { GenerateSecretOptions } from './secret/generate-secret';
export { kubernetesDelete } from './delete/kubernetes-delete';
export { kubernetesSteps } from './kubernetes-steps';
export { STEPS_KUBERNETES_VERSION } from './version';
export { stepPermissions, permissionStepTypes, guessResource, RBAC_VERBS } from './rbac/step-permissions';
export type { KindPermission, RbacVerb } from './rbac/step-permissions';
export type { KubernetesStepsOptions } from './kubernetes-steps';
export type { KubernetesStepOptions } from './step-options';
export { createKubernetesClient, KubernetesClient, FIELD_MANAGER } from './client/kubernetes-client';
export type { KubernetesClientOptions, KubeObject, ObjectReference, ResourceInfo } from './client/kubernetes-client';
export { checkKubeConfig, loadKubeConfig } from './client/load-kubeconfig';
export type { KubeConfigCheck, KubeConfigSource } from './client/load-kubeconfig';
export type { RetryOptions } from './client/retry';
export { DEFAULT_CONNECTIONS, type ConnectionOptions } from './client/connection-pool';
export type { WatchListener, WatchHubStats } from './watch/watch-hub';
export { KubernetesError, KubernetesConfigError } from './errors';
export type { KubernetesErrorCode, RequestTarget } from './errors';
