import type { StepDefinition } from '@innominatus/core';
import { kubernetesApply } from './apply/kubernetes-apply';
import { createKubernetesClient, type KubernetesClient, type KubernetesClientOptions } from './client/kubernetes-client';
import { kubernetesDelete } from './delete/kubernetes-delete';
import { generateSecret, type GenerateSecretOptions } from './secret/generate-secret';
import { readSecret, type ReadSecretOptions } from './secret/read-secret';
import { waitForCondition } from './wait/wait-for-condition';

/**
 * Options of {@link kubernetesSteps}: a client, or how to make one (on first
 * use); and how `read-secret` waits (see {@link ReadSecretOptions.secretWatch}).
 */
export type KubernetesStepsOptions = ({ client: KubernetesClient } | KubernetesClientOptions) &
  Pick<ReadSecretOptions, 'secretWatch'> &
  Pick<GenerateSecretOptions, 'randomInt'>;

/**
 * All five Kubernetes steps (`kubernetes-apply`, `wait-for-condition`,
 * `read-secret`, `generate-secret`, `kubernetes-delete`) sharing one client,
 * for a StepRegistry.
 * Without a `client`, one is made from the options on first use, so
 * registering the steps never needs a cluster.
 *
 * @example
 * const registry = new StepRegistry().registerAll(kubernetesSteps({ context: 'prod' }));
 */
export function kubernetesSteps(options: KubernetesStepsOptions = {}): StepDefinition<any, any>[] {
  const { secretWatch, randomInt, ...rest } = options;
  const client = 'client' in rest ? rest.client : () => createKubernetesClient(rest);
  const shared = typeof client === 'function' ? memo(client) : client;
  return [
    kubernetesApply({ client: shared }),
    waitForCondition({ client: shared }),
    readSecret({ client: shared, secretWatch }),
    generateSecret({ client: shared, randomInt }),
    kubernetesDelete({ client: shared }),
  ];
}

function memo<T>(fn: () => T): () => T {
  let v: T | undefined;
  return () => (v ??= fn());
}
