import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
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
});
