import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkKubeConfig, KubernetesConfigError, loadKubeConfig } from '@innominatus/steps-kubernetes';

const KUBECONFIG_TEXT = (server: string, context = 'dev') =>
  [
    'apiVersion: v1',
    'kind: Config',
    `current-context: ${context}`,
    `clusters: [{ name: c, cluster: { server: '${server}' } }]`,
    'users: [{ name: u, user: { token: t } }]',
    `contexts: [{ name: ${context}, context: { cluster: c, user: u } }]`,
  ].join('\n');

describe('loading the cluster configuration from the default sources', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'kubeconfig-home-'));
    vi.stubEnv('HOME', home);
    vi.stubEnv('KUBECONFIG', '');
    vi.stubEnv('KUBERNETES_SERVICE_HOST', '');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    rmSync(home, { recursive: true, force: true });
  });

  it('with nothing configured, names every source tried instead of falling back to localhost:8080', () => {
    const message =
      `no Kubernetes cluster configured; tried KUBECONFIG (not set), ~/.kube/config ('${join(home, '.kube/config')}': no such file), ` +
      "in-cluster (KUBERNETES_SERVICE_HOST not set). Set KUBECONFIG to a kubeconfig file, create ~/.kube/config, run in a pod, or pass 'kubeconfig'";
    expect(() => loadKubeConfig()).toThrow(new KubernetesConfigError(message));
    expect(() => checkKubeConfig({ context: 'prod' })).toThrow(new KubernetesConfigError(message));
    const error = (() => {
      try {
        loadKubeConfig();
      } catch (e) {
        return e;
      }
    })();
    expect(error).toMatchObject({ code: 'K8S_CONFIG_INVALID', retryable: false });
  });

  it('names the KUBECONFIG files that do not exist, and a pod without its service account token', () => {
    vi.stubEnv('KUBECONFIG', ['/nonexistent/a', '/nonexistent/b'].join(':'));
    vi.stubEnv('KUBERNETES_SERVICE_HOST', '10.0.0.1');
    expect(() => loadKubeConfig()).toThrow(
      new KubernetesConfigError(
        `no Kubernetes cluster configured; tried KUBECONFIG ('/nonexistent/a', '/nonexistent/b': no such file), ~/.kube/config ('${join(home, '.kube/config')}': no such file), ` +
          "in-cluster ('/var/run/secrets/kubernetes.io/serviceaccount/token': no such file). Set KUBECONFIG to a kubeconfig file, create ~/.kube/config, run in a pod, or pass 'kubeconfig'",
      ),
    );
  });

  it('takes KUBECONFIG first, then ~/.kube/config; checkKubeConfig says which context and server', () => {
    mkdirSync(join(home, '.kube'));
    writeFileSync(join(home, '.kube/config'), KUBECONFIG_TEXT('https://home.example:6443', 'home'));
    expect(checkKubeConfig()).toStrictEqual({ context: 'home', server: 'https://home.example:6443' });
    const file = join(home, 'other-kubeconfig');
    writeFileSync(file, KUBECONFIG_TEXT('https://env.example:6443', 'env'));
    vi.stubEnv('KUBECONFIG', `/nonexistent/first:${file}`);
    expect(checkKubeConfig()).toStrictEqual({ context: 'env', server: 'https://env.example:6443' });
  });

  it('a context without a cluster is an error, not a request to nowhere', () => {
    const text = [
      'apiVersion: v1',
      'kind: Config',
      'current-context: lost',
      'clusters: []',
      'users: []',
      'contexts: [{ name: lost, context: { cluster: gone, user: u } }]',
    ].join('\n');
    expect(() => loadKubeConfig({ kubeconfig: text })).toThrow(new KubernetesConfigError("the kubeconfig has no cluster for context 'lost'"));
  });
});
