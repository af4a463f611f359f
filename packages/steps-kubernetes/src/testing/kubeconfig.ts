import type { KubeConfig } from '@kubernetes/client-node';
import { clientNode } from '../client/client-node';

/**
 * A KubeConfig for the mock cluster at `server`: one context `mock`, a dummy
 * bearer token, and `skipTLSVerify` (client-node refuses plain `http://`
 * servers without it).
 */
export function mockKubeConfig(server: string, namespace = 'default'): KubeConfig {
  const kc = new (clientNode().KubeConfig)();
  kc.loadFromOptions({
    clusters: [{ name: 'mock-cluster', server, skipTLSVerify: true }],
    users: [{ name: 'mock-user', token: 'mock-token' }],
    contexts: [{ name: 'mock', cluster: 'mock-cluster', user: 'mock-user', namespace }],
    currentContext: 'mock',
  });
  return kc;
}
