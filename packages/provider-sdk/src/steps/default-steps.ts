import type { StepDefinition } from '@innominatus/core';
import { kubernetesSteps, type KubernetesStepsOptions } from '@innominatus/steps-kubernetes';

/**
 * The step types available by default: the Kubernetes steps
 * (`kubernetes-apply`, `wait-for-condition`, `read-secret`,
 * `kubernetes-delete`). Their client is made on first use, so loading them
 * for validation never needs a cluster.
 */
export function defaultSteps(options?: KubernetesStepsOptions): StepDefinition[] {
  return kubernetesSteps(options);
}
