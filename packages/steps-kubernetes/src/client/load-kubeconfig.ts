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
  const k8s = clientNode();
  let kc: KubeConfig;
  if (source.kubeconfig instanceof k8s.KubeConfig) {
    kc = source.kubeconfig;
  } else {
    kc = new k8s.KubeConfig();
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
