import type { MockCluster } from '../mock-cluster';
import type { MockObject } from '../types';
import { credentialsSecretName, generatePassword } from './credentials';
import { secretRoles, specOf } from './spec-checks';
import { secondsTimestamp } from '../timestamps';

/** The field manager the simulated operator writes with. */
export const OPERATOR_MANAGER = 'postgres-operator';

/** Kinds of the objects the operator makes for a cluster (all labelled `cluster-name=<cluster>`). */
export const CHILD_KINDS: ReadonlyArray<[string, string]> = [
  ['v1', 'Service'],
  ['v1', 'Secret'],
  ['v1', 'Pod'],
  ['v1', 'PersistentVolumeClaim'],
  ['apps/v1', 'StatefulSet'],
  ['apps/v1', 'Deployment'],
  ['policy/v1', 'PodDisruptionBudget'],
];

/** How credentials Secrets are written. */
export interface CredentialOptions {
  /** Password rotation: manifest users get `<role><YYMMDD>` as username and a `nextRotation`. */
  rotation?: { now: () => Date; intervalDays: number };
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const yymmdd = (d: Date) => d.toISOString().slice(2, 10).replace(/-/g, '');

function labelsOf(o: MockObject): Record<string, string> {
  return { application: 'spilo', 'cluster-name': o.metadata.name, team: specOf(o).teamId };
}

function put(cluster: MockCluster, object: MockObject): void {
  cluster.store.apply(cluster.store.requireKind(object.apiVersion, object.kind), object);
}

/** The master Service `<cluster>` and the replica Service `<cluster>-repl` (port 5432; the replica selector has no team label). */
export function ensureServices(cluster: MockCluster, o: MockObject): void {
  const ns = o.metadata.namespace!;
  const name = o.metadata.name;
  const port = [{ name: 'postgresql', port: 5432, targetPort: 5432, protocol: 'TCP' }];
  put(cluster, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns, labels: { ...labelsOf(o), 'spilo-role': 'master' } },
    spec: { type: 'ClusterIP', ports: port },
  });
  put(cluster, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `${name}-repl`, namespace: ns, labels: { ...labelsOf(o), 'spilo-role': 'replica' } },
    spec: { type: 'ClusterIP', ports: port, selector: { application: 'spilo', 'cluster-name': name, 'spilo-role': 'replica' } },
  });
}

/** A credentials Secret per role that has none yet (existing ones keep their password). */
export function ensureSecrets(cluster: MockCluster, o: MockObject, options: CredentialOptions): void {
  const kind = cluster.store.requireKind('v1', 'Secret');
  const manifestUsers = new Set(Object.keys(specOf(o).users ?? {}));
  for (const role of secretRoles(o)) {
    const name = credentialsSecretName(role, o.metadata.name);
    if (cluster.store.getStored(kind, o.metadata.namespace, name)) continue;
    const rotate = options.rotation && manifestUsers.has(role);
    const now = options.rotation?.now();
    const data: Record<string, string> = { username: b64(rotate ? `${role}${yymmdd(now!)}` : role), password: b64(generatePassword()) };
    if (rotate) data.nextRotation = b64(secondsTimestamp(new Date(now!.getTime() + options.rotation!.intervalDays * 86_400_000)));
    cluster.store.create(
      kind,
      { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name, namespace: o.metadata.namespace!, labels: labelsOf(o) }, data },
      { fieldManager: OPERATOR_MANAGER },
    );
  }
}

/** The PodDisruptionBudget, StatefulSet, its PersistentVolumeClaims (the data) and Pods. */
export function ensureWorkload(cluster: MockCluster, o: MockObject): void {
  const ns = o.metadata.namespace!;
  const name = o.metadata.name;
  const spec = o.spec as { numberOfInstances: number; volume: { size: string; storageClass?: string } };
  const labels = labelsOf(o);
  put(cluster, {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: `postgres-${name}-pdb`, namespace: ns, labels },
    spec: { minAvailable: spec.numberOfInstances > 0 ? 1 : 0, selector: { matchLabels: { 'cluster-name': name, 'spilo-role': 'master' } } },
  });
  put(cluster, {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: ns, labels },
    spec: {
      replicas: spec.numberOfInstances,
      serviceName: name,
      selector: { matchLabels: { application: 'spilo', 'cluster-name': name } },
      template: { metadata: { labels }, spec: { containers: [{ name: 'postgres', image: 'spilo', ports: [{ containerPort: 5432 }] }] } },
      volumeClaimTemplates: [
        {
          metadata: { name: 'pgdata' },
          spec: {
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: spec.volume.size } },
            ...(spec.volume.storageClass ? { storageClassName: spec.volume.storageClass } : {}),
          },
        },
      ],
    },
  });
  const pods = cluster.store.requireKind('v1', 'Pod');
  for (let i = 0; i < spec.numberOfInstances; i++) {
    put(cluster, {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: `pgdata-${name}-${i}`, namespace: ns, labels },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: spec.volume.size } } },
    });
    put(cluster, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `${name}-${i}`, namespace: ns, labels: { ...labels, 'spilo-role': i === 0 ? 'master' : 'replica' } },
      spec: { containers: [{ name: 'postgres', image: 'spilo' }] },
    });
  }
  for (const pod of cluster.store.list(pods, { namespace: ns, labelSelector: `cluster-name=${name}` })) {
    if (Number(pod.metadata.name.slice(name.length + 1)) >= spec.numberOfInstances) cluster.store.delete(pods, ns, pod.metadata.name);
  }
}

/** Marks the PVCs Bound, the Pods Running and ready, the StatefulSet ready (what the kubelet and controllers would do). */
export function markReady(cluster: MockCluster, o: MockObject): void {
  const ns = o.metadata.namespace!;
  const selector = { namespace: ns, labelSelector: `application=spilo,cluster-name=${o.metadata.name}` };
  const manager = { fieldManager: 'kubelet' };
  for (const pvc of cluster.list('v1', 'PersistentVolumeClaim', selector)) {
    cluster.store.writeStatus(
      cluster.store.requireKind('v1', 'PersistentVolumeClaim'),
      ns,
      pvc.metadata.name,
      { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: (o.spec as { volume: { size: string } }).volume.size } },
      manager,
    );
  }
  for (const pod of cluster.list('v1', 'Pod', selector)) {
    cluster.store.writeStatus(
      cluster.store.requireKind('v1', 'Pod'),
      ns,
      pod.metadata.name,
      {
        phase: 'Running',
        containerStatuses: [{ name: 'postgres', image: 'spilo', imageID: 'spilo@sha256:0', ready: true, started: true, restartCount: 0 }],
      },
      manager,
    );
  }
  const n = specOf(o).numberOfInstances;
  const sts = cluster.store.requireKind('apps/v1', 'StatefulSet');
  if (cluster.store.getStored(sts, ns, o.metadata.name))
    cluster.store.writeStatus(
      sts,
      ns,
      o.metadata.name,
      { replicas: n, readyReplicas: n, currentReplicas: n, updatedReplicas: n },
      { fieldManager: 'kube-controller-manager' },
    );
}

/** The connection pooler Deployments and Services (`<cluster>-pooler`, `<cluster>-pooler-repl`) when enabled; removed when not. */
export function ensurePoolers(cluster: MockCluster, o: MockObject): void {
  const ns = o.metadata.namespace!;
  const name = o.metadata.name;
  const spec = specOf(o);
  for (const [suffix, enabled, role] of [
    ['-pooler', spec.enableConnectionPooler, 'master'],
    ['-pooler-repl', spec.enableReplicaConnectionPooler, 'replica'],
  ] as const) {
    const poolerName = `${name}${suffix}`;
    const labels = { application: 'db-connection-pooler', 'connection-pooler': poolerName, 'cluster-name': name, 'spilo-role': role };
    if (!enabled) {
      for (const [v, k] of [
        ['apps/v1', 'Deployment'],
        ['v1', 'Service'],
      ] as const) {
        const kind = cluster.store.requireKind(v, k);
        if (cluster.store.getStored(kind, ns, poolerName)) cluster.store.delete(kind, ns, poolerName);
      }
      continue;
    }
    const replicas = spec.connectionPooler?.numberOfInstances ?? 2;
    put(cluster, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: poolerName, namespace: ns, labels },
      spec: {
        replicas,
        selector: { matchLabels: { 'connection-pooler': poolerName } },
        template: { metadata: { labels }, spec: { containers: [{ name: 'connection-pooler', image: 'pgbouncer', ports: [{ containerPort: 5432 }] }] } },
      },
    });
    put(cluster, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: poolerName, namespace: ns, labels },
      spec: {
        type: 'ClusterIP',
        ports: [{ name: 'postgresql', port: 5432, targetPort: 5432, protocol: 'TCP' }],
        selector: { 'connection-pooler': poolerName },
      },
    });
  }
}

/** Deletes everything the operator made for a cluster: StatefulSet, Pods, PVCs (the data), Secrets, PDB, Services, poolers. */
export function removeChildren(cluster: MockCluster, namespace: string, clusterName: string): void {
  for (const [apiVersion, kindName] of CHILD_KINDS) {
    const kind = cluster.store.requireKind(apiVersion, kindName);
    for (const child of cluster.store.list(kind, { namespace, labelSelector: `cluster-name=${clusterName}` })) {
      cluster.store.delete(kind, namespace, child.metadata.name, { immediate: true });
    }
  }
}
