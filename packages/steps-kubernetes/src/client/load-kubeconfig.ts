import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { clientNode } from './client-node';
import { KubernetesConfigError } from '../errors';

/** Where the cluster configuration comes from. */
export interface KubeConfigSource {
  /** A KubeConfig, a kubeconfig file path, or kubeconfig text (YAML/JSON). Default: `KUBECONFIG`, then `~/.kube/config`, then in-cluster. */
  kubeconfig?: string | KubeConfig;
  /** Context to use instead of the kubeconfig's current context. */
  context?: string;
  /** Use the pod's service account (`/var/run/secrets/kubernetes.io/serviceaccount`). */
  inCluster?: boolean;
}

/** Loads a KubeConfig; throws {@link KubernetesConfigError} naming what is missing. */
export function loadKubeConfig(source: KubeConfigSource = {}): KubeConfig {
  let kc: KubeConfig;
  if (typeof source.kubeconfig === 'object' && source.kubeconfig !== null) {
    // Not `instanceof`: the caller's KubeConfig may come from another copy of
    // client-node (tsx, for one, loads it once for import and once for require).
    if (!isKubeConfig(source.kubeconfig)) throw new KubernetesConfigError('kubeconfig must be a KubeConfig, a file path or kubeconfig text');
    kc = source.kubeconfig;
  } else {
    kc = new (clientNode().KubeConfig)();
    try {
      if (source.inCluster) {
        if (!process.env.KUBERNETES_SERVICE_HOST)
          throw new KubernetesConfigError('inCluster: KUBERNETES_SERVICE_HOST is not set; this process is not running in a Kubernetes pod');
        kc.loadFromCluster();
      } else if (typeof source.kubeconfig === 'string') {
        const text = source.kubeconfig;
        if (/\n/.test(text) || text.trimStart().startsWith('{')) kc.loadFromString(text);
        else if (!existsSync(text)) throw new KubernetesConfigError(`kubeconfig file '${text}' does not exist`);
        else kc.loadFromFile(text);
      } else {
        loadDefault(kc);
      }
    } catch (err) {
      if (err instanceof KubernetesConfigError) throw err;
      throw new KubernetesConfigError(`cannot load the kubeconfig: ${(err as Error).message.split('\n')[0]}`, { cause: err });
    }
  }
  if (source.context !== undefined) {
    if (!kc.getContexts().some((c) => c.name === source.context)) {
      const known =
        kc
          .getContexts()
          .map((c) => c.name)
          .join(', ') || 'none';
      throw new KubernetesConfigError(`kubeconfig has no context '${source.context}' (known: ${known})`);
    }
    kc.setCurrentContext(source.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new KubernetesConfigError(`the kubeconfig has no cluster for context '${kc.getCurrentContext() || '(none)'}'`);
  }
  return kc;
}

/** What {@link checkKubeConfig} found. */
export interface KubeConfigCheck {
  /** The context in use. */
  context: string;
  /** The API server's URL. */
  server: string;
}

/**
 * Loads the cluster configuration now, for a host to call at start: a
 * missing kubeconfig, an unknown context or a context without a cluster
 * throws {@link KubernetesConfigError} at once instead of at the first step.
 *
 * @example
 * const { context, server } = checkKubeConfig({ context: 'prod' });
 */
export function checkKubeConfig(source: KubeConfigSource = {}): KubeConfigCheck {
  const kc = loadKubeConfig(source);
  return { context: kc.getCurrentContext(), server: kc.getCurrentCluster()?.server ?? '' };
}

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * kubectl's order — `KUBECONFIG` (files joined by the path delimiter),
 * `~/.kube/config`, the pod's service account — without client-node's last
 * resort of `http://localhost:8080`, so "no cluster configured" is an error
 * naming every source tried.
 */
function loadDefault(kc: KubeConfig): void {
  const tried: string[] = [];
  const env = process.env.KUBECONFIG;
  if (env) {
    const files = env.split(delimiter).filter(Boolean);
    const present = files.filter((f) => existsSync(f));
    if (present.length) {
      // Merged in order, the first file's values winning; missing files skipped (as kubectl does).
      kc.loadFromFile(present[0]);
      for (const file of present.slice(1)) {
        const more = new (clientNode().KubeConfig)();
        more.loadFromFile(file);
        kc.mergeConfig(more, true);
      }
      return;
    }
    tried.push(`KUBECONFIG (${files.map((f) => `'${f}'`).join(', ')}: no such file)`);
  } else {
    tried.push('KUBECONFIG (not set)');
  }
  const home = join(homedir(), '.kube', 'config');
  if (existsSync(home)) {
    kc.loadFromFile(home);
    return;
  }
  tried.push(`~/.kube/config ('${home}': no such file)`);
  if (process.env.KUBERNETES_SERVICE_HOST && existsSync(SERVICE_ACCOUNT_TOKEN)) {
    kc.loadFromCluster();
    return;
  }
  tried.push(process.env.KUBERNETES_SERVICE_HOST ? `in-cluster ('${SERVICE_ACCOUNT_TOKEN}': no such file)` : 'in-cluster (KUBERNETES_SERVICE_HOST not set)');
  throw new KubernetesConfigError(
    `no Kubernetes cluster configured; tried ${tried.join(', ')}. Set KUBECONFIG to a kubeconfig file, create ~/.kube/config, run in a pod, or pass 'kubeconfig'`,
  );
}

/** True for a client-node KubeConfig, from whichever copy of the package. */
function isKubeConfig(v: object): v is KubeConfig {
  const kc = v as Partial<Record<keyof KubeConfig, unknown>>;
  return typeof kc.getCurrentCluster === 'function' && typeof kc.getContexts === 'function' && typeof kc.makeApiClient === 'function';
}
