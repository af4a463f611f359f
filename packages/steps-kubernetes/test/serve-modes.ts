import type { KubeConfig } from '@kubernetes/client-node';
import { createMockCluster, type MockCluster, type MockClusterOptions } from '@innominatus/steps-kubernetes/testing';

/** The two ways to serve a mock cluster; every step test runs through both. */
export const SERVE_MODES = ['nock', 'listen'] as const;
export type ServeMode = (typeof SERVE_MODES)[number];

/** A mock cluster served one way, with a KubeConfig pointing at it. */
export async function servedCluster(mode: ServeMode, options: MockClusterOptions = {}): Promise<{ cluster: MockCluster; kubeConfig: KubeConfig }> {
  const cluster = createMockCluster(options);
  const kubeConfig = mode === 'nock' ? cluster.nock() : (await cluster.listen()).kubeConfig;
  return { cluster, kubeConfig };
}
