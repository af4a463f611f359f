import type { MockObject } from '../types';

/** The part of a Redis's spec the simulated operator reads. */
export type RedisSpec = {
  kubernetesConfig: {
    image: string;
    imagePullPolicy?: string;
    redisSecret?: { name?: string; key?: string };
    resources?: Record<string, Record<string, string>>;
  };
  storage?: { keepAfterDelete?: boolean; volumeClaimTemplate?: { spec?: Record<string, unknown> } };
};

/** The labels of every object the operator makes for the Redis `name`. */
export const labelsOf = (name: string) => ({ app: name, redis_setup_type: 'standalone', role: 'standalone' });

/** The PersistentVolumeClaim the StatefulSet controller makes for the Redis `name`'s one Pod (template `name`, Pod `name-0`). */
export const claimNameOf = (name: string) => `${name}-${name}-0`;

/**
 * The StatefulSet `<name>` the operator makes for a Redis: one replica, REDIS_PASSWORD from `kubernetesConfig.redisSecret`.
 * The volume claim template is immutable: an existing StatefulSet keeps its own (resizing the claim instead is not simulated).
 */
export function statefulSetOf(o: MockObject, existing: MockObject | undefined): MockObject {
  const name = o.metadata.name;
  const spec = o.spec as RedisSpec;
  const ref = spec.kubernetesConfig.redisSecret;
  const env = ref?.name && ref.key ? [{ name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } }] : [];
  const claim = spec.storage?.volumeClaimTemplate?.spec;
  const templates =
    (existing?.spec as { volumeClaimTemplates?: unknown[] } | undefined)?.volumeClaimTemplates ?? (claim ? [{ metadata: { name }, spec: claim }] : []);
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: o.metadata.namespace!, labels: labelsOf(name) },
    spec: {
      replicas: 1,
      serviceName: `${name}-headless`,
      selector: { matchLabels: labelsOf(name) },
      template: {
        metadata: { labels: labelsOf(name) },
        spec: {
          containers: [
            {
              name,
              image: spec.kubernetesConfig.image,
              imagePullPolicy: spec.kubernetesConfig.imagePullPolicy ?? 'IfNotPresent',
              env,
              resources: spec.kubernetesConfig.resources ?? {},
              ports: [{ name: 'redis-client', containerPort: 6379 }],
            },
          ],
        },
      },
      volumeClaimTemplates: templates,
    },
  };
}

/** The Service `<name><suffix>` (port 6379; `-headless` has no cluster IP). */
export function serviceOf(o: MockObject, suffix: string): MockObject {
  const name = o.metadata.name;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `${name}${suffix}`, namespace: o.metadata.namespace!, labels: labelsOf(name) },
    spec: {
      type: 'ClusterIP',
      ...(suffix === '-headless' ? { clusterIP: 'None' } : {}),
      selector: labelsOf(name),
      ports: [{ name: 'redis-client', port: 6379, targetPort: 6379, protocol: 'TCP' }],
    },
  };
}
