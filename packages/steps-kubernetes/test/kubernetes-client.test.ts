import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createKubernetesClient, KubernetesConfigError, kubernetesSteps } from '@innominatus/steps-kubernetes';
import { createMockStepContext } from '@innominatus/core/testing';
import { mockKubeConfig } from '@innominatus/steps-kubernetes/testing';
import { retryAfterMs, toKubernetesError } from '../src/client/api-errors';

const two = () => {
  const kc = mockKubeConfig('https://a.example');
  kc.addCluster({ name: 'b', server: 'https://b.example', skipTLSVerify: true });
  kc.addContext({ name: 'b', cluster: 'b', user: 'mock-user', namespace: 'team-b' });
  return kc;
};

describe('createKubernetesClient', () => {
  it('takes a KubeConfig and selects a context, whose namespace becomes the default', () => {
    const client = createKubernetesClient({ kubeconfig: two(), context: 'b' });
    expect(client.kubeConfig.getCurrentCluster()?.server).toBe('https://b.example');
    expect(client.defaultNamespace).toBe('team-b');
  });

  it('names the unknown context and the known ones', () => {
    expect(() => createKubernetesClient({ kubeconfig: two(), context: 'prod' })).toThrow(
      new KubernetesConfigError("kubeconfig has no context 'prod' (known: mock, b)"),
    );
  });

  it('loads a kubeconfig file path or text', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kc-'));
    try {
      const file = join(dir, 'config');
      writeFileSync(file, two().exportConfig());
      expect(createKubernetesClient({ kubeconfig: file }).kubeConfig.getCurrentCluster()?.server).toBe('https://a.example');
      expect(createKubernetesClient({ kubeconfig: two().exportConfig(), context: 'b', namespace: 'x' }).defaultNamespace).toBe('x');
      expect(() => createKubernetesClient({ kubeconfig: join(dir, 'missing') })).toThrow(`kubeconfig file '${join(dir, 'missing')}' does not exist`);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('refuses inCluster outside a pod with a clear message', () => {
    const saved = process.env.KUBERNETES_SERVICE_HOST;
    delete process.env.KUBERNETES_SERVICE_HOST;
    try {
      expect(() => createKubernetesClient({ inCluster: true })).toThrow(
        'inCluster: KUBERNETES_SERVICE_HOST is not set; this process is not running in a Kubernetes pod',
      );
    } finally {
      if (saved !== undefined) process.env.KUBERNETES_SERVICE_HOST = saved;
    }
  });
});

describe('kubernetesSteps', () => {
  it('registers without a cluster and reports the configuration problem when a step runs', async () => {
    const steps = kubernetesSteps({ kubeconfig: '/nonexistent/kubeconfig' });
    expect(steps.map((s) => s.type)).toEqual(['kubernetes-apply', 'wait-for-condition', 'read-secret', 'generate-secret', 'kubernetes-delete']);
    const read = steps.find((s) => s.type === 'read-secret')!;
    await expect(read.run({ name: 'x' }, createMockStepContext())).rejects.toThrow("kubeconfig file '/nonexistent/kubeconfig' does not exist");
  });
});

describe('API error mapping', () => {
  it('reads Retry-After as seconds or an HTTP date, capped at 60 s', () => {
    expect(retryAfterMs({ headers: { 'retry-after': '3' } })).toBe(3000);
    expect(retryAfterMs({ headers: { 'retry-after': '3600' } })).toBe(60_000);
    const inFive = new Date(Date.now() + 5000).toUTCString();
    expect(retryAfterMs({ headers: { 'retry-after': inFive } })).toBeGreaterThan(3000);
    expect(retryAfterMs({ headers: {} })).toBeUndefined();
  });

  it('treats connection resets as retryable and keeps the API message of a 409', () => {
    const reset = toKubernetesError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), {
      verb: 'get',
      resource: 'secrets',
      name: 'x',
      namespace: 'n',
    });
    expect([reset.kubernetesCode, reset.retryable]).toEqual(['K8S_UNAVAILABLE', true]);
    const conflict = toKubernetesError(
      { code: 409, body: JSON.stringify({ message: 'Apply failed with 1 conflict' }) },
      { verb: 'patch', resource: 'configmaps', name: 'c', namespace: 'n' },
    );
    expect(conflict.message).toBe('patch configmaps "c" in namespace "n" was rejected (HTTP 409): Apply failed with 1 conflict');
    expect(conflict.retryable).toBe(false);
  });

  it('retries a 408: the server gave up waiting for the request, so a new one may pass', () => {
    const timedOut = toKubernetesError({ code: 408, body: 'Request Timeout' }, { verb: 'get', resource: 'secrets', name: 's', namespace: 'n' });
    expect([timedOut.code, timedOut.retryable, timedOut.status]).toEqual(['K8S_UNAVAILABLE', true, 408]);
    expect(timedOut.message).toBe('get secrets "s" in namespace "n": the API server is unavailable (HTTP 408: Request Timeout)');
  });
});
