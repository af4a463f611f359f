import { existsSync } from 'node:fs';
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
        if (!process.env.KUBERNETES_SERVICE_HOST) throw new KubernetesConfigError('inCluster: KUBERNETES_SERVICE_HOST is not set; this process is not running in a Kubernetes pod');
        kc.loadFromCluster();
      } else if (typeof source.kubeconfig === 'string') {
        const text = source.kubeconfig;
        if (/\n/.test(text) || text.trimStart().startsWith('{')) kc.loadFromString(text);
        else if (!existsSync(text)) throw new KubernetesConfigError(`kubeconfig file '${text}' does not exist`);
        else kc.loadFromFile(text);
      } else {
        kc.loadFromDefault();
      }
    } catch (err) {
      if (err instanceof KubernetesConfigError) throw err;
      throw new KubernetesConfigError(`cannot load the kubeconfig: ${(err as Error).message.split('\n')[0]}`, { cause: err });
    }
  }
  if (source.context !== undefined) {
    if (!kc.getContexts().some((c) => c.name === source.context)) {
      const known = kc.getContexts().map((c) => c.name).join(', ') || 'none';
      throw new KubernetesConfigError(`kubeconfig has no context '${source.context}' (known: ${known})`);
    }
    kc.setCurrentContext(source.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new KubernetesConfigError('no Kubernetes cluster configured: set KUBECONFIG, create ~/.kube/config, run in a pod, or pass a kubeconfig');
  }
  return kc;
}

/** True for a client-node KubeConfig, from whichever copy of the package. */
function isKubeConfig(v: object): v is KubeConfig {
  const kc = v as Partial<Record<keyof KubeConfig, unknown>>;
  return typeof kc.getCurrentCluster === 'function' && typeof kc.getContexts === 'function' && typeof kc.makeApiClient === 'function';
}
