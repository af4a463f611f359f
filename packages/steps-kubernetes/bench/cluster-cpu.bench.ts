/**
 * The mock cluster's CPU per resource, in one process without HTTP (plain
 * script; `pnpm bench cluster-cpu`): COUNT `postgresql` objects (default
 * 5,000, PER_NAMESPACE to a namespace, default 100, as the host fleet's
 * applications) are server-side applied, a namespace at a time, as the
 * database-team provider writes them, into a mock cluster with the Zalando
 * simulator (each cluster Running after a random 0..READY_MAX_MS, default
 * 200). Prints this process's CPU (`process.cpuUsage`, user + system) from
 * the first apply until all are Running, per resource, the store's writes
 * per resource, the peak RSS, and memory when all are Running (after a
 * collection when run with `--expose-gc`). What the cluster process of
 * `bench/host-fleet.bench.ts` spends per resource, less HTTP and watches.
 *
 *   node --conditions=source --import tsx [--expose-gc] [--cpu-prof] packages/steps-kubernetes/bench/cluster-cpu.bench.ts
 */
import { loadavg } from 'node:os';
import { createMockCluster, zalandoPostgresOperator, type MockObject } from '@innominatus/steps-kubernetes/testing';

const COUNT = Number(process.env.COUNT ?? 5_000);
const PER_NAMESPACE = Number(process.env.PER_NAMESPACE ?? 100);
const READY_MAX_MS = Number(process.env.READY_MAX_MS ?? 200);

const cluster = createMockCluster({ autoCreateNamespaces: true });
const operator = zalandoPostgresOperator(cluster, { pickupDelayMs: 0, createDelayMs: () => Math.random() * READY_MAX_MS });
const kind = cluster.store.requireKind('acid.zalan.do/v1', 'postgresql');
let writes = 0;
cluster.events.on('change', () => writes++);

/** The `postgresql` the database-team provider applies for resource `db-<i>` of application `app` (its golden file's manifest). */
const manifest = (app: string, i: number): MockObject => ({
  apiVersion: 'acid.zalan.do/v1',
  kind: 'postgresql',
  metadata: {
    name: `${app}-db-${i}`,
    namespace: app,
    labels: { 'app.kubernetes.io/managed-by': 'innominatus', 'innominatus.io/provider': 'database-team' },
  },
  spec: {
    teamId: app,
    numberOfInstances: 2,
    postgresql: { version: '15' },
    volume: { size: '5Gi' },
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
    users: { [`db_${i}_owner`]: ['createdb'], [`db_${i}_app`]: [] },
    databases: { [`db_${i}`]: `db_${i}_owner` },
  },
});

const cpuSeconds = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;

const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let first = 0; first < COUNT; first += PER_NAMESPACE) {
  const app = `fleet-${first / PER_NAMESPACE}`;
  for (let i = 0; i < Math.min(PER_NAMESPACE, COUNT - first); i++) cluster.store.apply(kind, manifest(app, i), { fieldManager: 'innominatus', force: true });
  // One namespace per turn of the event loop, so the simulator's timers run among the applies as they do under a host.
  await new Promise((r) => setImmediate(r));
}
const submitted = cpuSeconds(process.cpuUsage(cpu0));
let done = 0;
let counted = 0;
for (;;) {
  // Counted from the transitions not yet seen (the list only grows).
  for (; counted < operator.transitions.length; counted++) if (operator.transitions[counted]!.status === 'Running') done++;
  if (done >= COUNT) break;
  await new Promise((r) => setTimeout(r, 20));
}
const cpu = cpuSeconds(process.cpuUsage(cpu0));
const wall = (performance.now() - t0) / 1000;
(globalThis as { gc?: () => void }).gc?.();
const mem = process.memoryUsage();
const mib = (n: number) => (n / 2 ** 20).toFixed(0);
console.log(
  `mock cluster CPU, ${COUNT} postgresqls in process (readiness random 0–${READY_MAX_MS} ms, load ${loadavg()[0]!.toFixed(1)}): ` +
    `CPU ${cpu.toFixed(2)} s (${((cpu * 1000) / COUNT).toFixed(2)} ms per resource; ${submitted.toFixed(2)} s until the last apply), wall ${wall.toFixed(1)} s, ` +
    `${(writes / COUNT).toFixed(1)} store changes per resource; ` +
    `peak RSS ${mib(process.resourceUsage().maxRSS * 1024)} MiB; ` +
    `memory${(globalThis as { gc?: unknown }).gc ? ' after a collection' : ''}: RSS ${mib(mem.rss)} MiB, heap used ${mib(mem.heapUsed)} MiB, external ${mib(mem.external)} MiB`,
);
await cluster.close();
