import { StepRegistry } from '@innominatus/core';
import { describe, expect, it, vi } from 'vitest';

// Any module that imports these at its top (a value import, not `import type`)
// fails to load in this file.
vi.mock('@kubernetes/client-node', () => {
  throw new Error('@kubernetes/client-node was imported');
});
vi.mock('nock', () => {
  throw new Error('nock was imported');
});

describe('importing @innominatus/steps-kubernetes', () => {
  it('loads neither the Kubernetes client nor nock: step definitions need no client', async () => {
    const mod = await import('@innominatus/steps-kubernetes');
    const registry = new StepRegistry(mod.kubernetesSteps({ context: 'unused' }));
    expect(registry.types()).toEqual(['kubernetes-apply', 'kubernetes-delete', 'read-secret', 'wait-for-condition']);
    expect(registry.get('wait-for-condition').deferred).toEqual({ successWhen: ['object'], failureWhen: ['object'] });
  });

  it('still makes clients synchronously, loading the Kubernetes client on demand', async () => {
    const { createKubernetesClient, KubernetesConfigError } = await import('@innominatus/steps-kubernetes');
    const kubeconfig = [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: a, cluster: {server: "https://a.example"}}]',
      'contexts: [{name: a, context: {cluster: a, user: u, namespace: team-a}}]',
      'users: [{name: u, user: {token: t}}]',
      'current-context: a',
    ].join('\n');
    const client = createKubernetesClient({ kubeconfig });
    expect(client.defaultNamespace).toBe('team-a');
    expect(client.kubeConfig.getCurrentCluster()?.server).toBe('https://a.example');
    expect(() => createKubernetesClient({ kubeconfig: '/nonexistent/kubeconfig' })).toThrow(new KubernetesConfigError("kubeconfig file '/nonexistent/kubeconfig' does not exist"));
  });
});
