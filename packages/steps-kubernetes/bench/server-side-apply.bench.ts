/**
 * Server-side apply throughput of the mock cluster over HTTP (plain script;
 * `pnpm bench server-side-apply`): N `postgresql` objects (the Zalando CRD,
 * schema enforced) applied through client-node's KubernetesObjectApi with
 * CONCURRENCY requests in flight, first as creates, then as updates of every
 * object. The simulator is installed but picks nothing up during the run.
 */
import { KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { createMockCluster, zalandoPostgresOperator } from '@innominatus/steps-kubernetes/testing';

const N = Number(process.env.COUNT ?? 1_000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 50);

const cluster = createMockCluster({ namespaces: ['default', 'bench'] });
zalandoPostgresOperator(cluster, { pickupDelayMs: 3_600_000 });
const server = await cluster.listen();
const api = KubernetesObjectApi.makeApiClient(server.kubeConfig);

const manifest = (i: number, instances: number): KubernetesObject =>
  ({
    apiVersion: 'acid.zalan.do/v1',
    kind: 'postgresql',
    metadata: { name: `team-db-${i}`, namespace: 'bench', labels: { app: `db-${i}` } },
    spec: {
      teamId: 'team',
      numberOfInstances: instances,
      postgresql: { version: '17' },
      volume: { size: '5Gi' },
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
      users: { [`db_${i}_owner`]: ['createdb'], [`db_${i}_app`]: [] },
      databases: { [`db_${i}`]: `db_${i}_owner` },
    },
  }) as KubernetesObject;

/** Applies per second (wall time) and milliseconds of this process's CPU time per apply (less disturbed by a loaded machine). */
async function round(instances: number): Promise<{ perSecond: number; cpuMs: number }> {
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < N; i = next++) await api.patch(manifest(i, instances), undefined, undefined, 'bench', true, PatchStrategy.ServerSideApply);
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  return { perSecond: N / ((performance.now() - started) / 1000), cpuMs: (cpu.user + cpu.system) / 1000 / N };
}

const creates = await round(1);
const updates = await round(2);
console.log(
  `server-side apply over HTTP, ${N} objects, ${CONCURRENCY} in flight: creates ${creates.perSecond.toFixed(0)} applies/s (${creates.cpuMs.toFixed(2)} ms CPU each), updates ${updates.perSecond.toFixed(0)} applies/s (${updates.cpuMs.toFixed(2)} ms CPU each)`,
);
await cluster.close();
