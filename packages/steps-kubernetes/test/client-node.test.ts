import { createRequire } from 'node:module';
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
    expect(registry.types()).toEqual(['generate-secret', 'kubernetes-apply', 'kubernetes-delete', 'read-secret', 'wait-for-condition']);
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
    expect(() => createKubernetesClient({ kubeconfig: '/nonexistent/kubeconfig' })).toThrow(
      new KubernetesConfigError("kubeconfig file '/nonexistent/kubeconfig' does not exist"),
    );
  });

  it('takes a KubeConfig from another copy of client-node (no instanceof), and refuses other objects', async () => {
    const { createKubernetesClient, KubernetesConfigError } = await import('@innominatus/steps-kubernetes');
    const { KubeConfig } = createRequire(import.meta.url)('@kubernetes/client-node') as typeof import('@kubernetes/client-node');
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: 'https://copy.example', skipTLSVerify: false }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u', namespace: 'team-x' }],
      currentContext: 'x',
    });
    // Another copy's class: same methods, different prototype chain.
    const foreign = new Proxy(kc, { getPrototypeOf: () => Object.prototype });
    expect(foreign instanceof KubeConfig).toBe(false);
    const client = createKubernetesClient({ kubeconfig: foreign });
    expect(client.kubeConfig).toBe(foreign);
    expect(client.defaultNamespace).toBe('team-x');
    expect(() => createKubernetesClient({ kubeconfig: {} as never })).toThrow(
      new KubernetesConfigError('kubeconfig must be a KubeConfig, a file path or kubeconfig text'),
    );
  });
});
