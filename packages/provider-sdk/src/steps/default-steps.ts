import type { StepDefinition } from '@innominatus/core';
import type { KubernetesStepsOptions } from '@innominatus/steps-kubernetes';

/**
 * The step types available by default: the Kubernetes steps
 * (`kubernetes-apply`, `wait-for-condition`, `read-secret`,
 * `generate-secret`, `kubernetes-delete`). Their client is made on first use, so loading them
 * for validation never needs a cluster. The package is imported on first call
 * (it pulls in the Kubernetes client), so commands that need no steps start fast.
 */
export async function defaultSteps(options?: KubernetesStepsOptions): Promise<StepDefinition[]> {
  const { kubernetesSteps } = await import('@innominatus/steps-kubernetes');
  return kubernetesSteps(options);
}
