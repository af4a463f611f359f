import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEngine } from '@innominatus/core';
import { KubernetesClient } from '@innominatus/steps-kubernetes';
import { kubernetesAccess } from '../src/host/kubernetes-access';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('kubernetesAccess', () => {
  it("closes the steps' and the probe's Kubernetes clients (their kept-alive connections) when it closes", async () => {
    const closed = vi.spyOn(KubernetesClient.prototype, 'close');
    const access = await kubernetesAccess({ mode: 'simulate' });
    try {
      // A request through the probe's client opens a kept-alive connection to the simulated API server.
      await access.probe.check(AbortSignal.timeout(10_000));
      expect(closed).toHaveBeenCalledTimes(0);
    } finally {
      await access.close();
    }
    expect(closed).toHaveBeenCalledTimes(2);
  });

  it('closes them for a kubeconfig too, without ever reaching the cluster', async () => {
    const closed = vi.spyOn(KubernetesClient.prototype, 'close');
    const kubeconfig = [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{ name: c, cluster: { server: "https://127.0.0.1:1" } }]',
      'users: [{ name: u, user: { token: t } }]',
      'contexts: [{ name: x, context: { cluster: c, user: u } }]',
      'current-context: x',
    ].join('\n');
    const file = join(mkdtempSync(join(tmpdir(), 'kube-access-')), 'config');
    writeFileSync(file, kubeconfig);
    const access = await kubernetesAccess({ mode: 'kubeconfig', kubeconfig: file });
    await access.close();
    expect(closed).toHaveBeenCalledTimes(2);
  });

  it("opens at most maxConnections connections for the steps' requests", async () => {
    const access = await kubernetesAccess({ mode: 'simulate', maxConnections: 1 });
    try {
      const engine = createEngine({ steps: access.steps });
      const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
      const result = await engine.run(
        {
          apiVersion: 'innominatus.io/v1',
          kind: 'Workflow',
          metadata: { name: 'burst' },
          parameters: [{ name: 'names', type: 'array', items: { type: 'string' } }],
          steps: [
            {
              name: 'apply',
              type: 'kubernetes-apply',
              forEach: '${{ parameters.names }}',
              parallelism: 8,
              with: { manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '${{ item }}', namespace: 'default' }, data: { k: 'v' } }] },
            },
          ],
        },
        { parameters: { names } },
      );
      expect(result.status).toBe('succeeded');
      expect(
        access
          .simulation!.cluster.list('v1', 'ConfigMap', { namespace: 'default' })
          .map((c) => c.metadata.name)
          .sort(),
      ).toEqual(names);
      expect(access.simulation!.server.connectionsAccepted()).toBe(1);
    } finally {
      await access.close();
    }
  });
});
