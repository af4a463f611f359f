/**
 * The mock cluster in a process of its own, for benchmarks that measure a
 * host against it (plain script, started by {@link startClusterProcess} with
 * `fork`): the mock API server over HTTP with the Zalando postgres-operator
 * simulator, each cluster ready after its own random 0..READY_MAX_MS. Sends
 * `{ ready, kubeconfig }` once listening; answers `stats` (requests by verb
 * since the start, postgresql objects, RSS) and turns random faults on and
 * off (`faults`). Requests are counted and the request log emptied every
 * second, so a long run does not grow the process.
 */
import { createMockCluster, zalandoPostgresOperator } from '@innominatus/steps-kubernetes/testing';

/** What the process answers to `stats`. */
export interface ClusterStats {
  requests: Record<string, number>;
  postgresqls: number;
  rssMiB: number;
  faultsInjected: Record<string, number>;
}

/** Messages the parent sends. */
export type ClusterCommand = { type: 'stats'; id: number } | { type: 'faults'; on: boolean; id: number };

const READY_MAX_MS = Number(process.env.READY_MAX_MS ?? 5_000);
/** Mean time between two random faults while faults are on. */
const FAULT_EVERY_MS = Number(process.env.FAULT_EVERY_MS ?? 4_000);

const cluster = createMockCluster({ autoCreateNamespaces: true });
zalandoPostgresOperator(cluster, { pickupDelayMs: 0, createDelayMs: () => Math.random() * READY_MAX_MS });
const server = await cluster.listen({ host: '127.0.0.1' });

const requests: Record<string, number> = {};
const countRequests = () => {
  for (const r of cluster.requests) requests[r.verb] = (requests[r.verb] ?? 0) + 1;
  cluster.clearRequests();
};
setInterval(countRequests, 1_000).unref();

const faultsInjected: Record<string, number> = {};
let faultTimer: NodeJS.Timeout | undefined;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;

/** One random fault of the kinds a real API server shows: 5xx and 429 answers, connection resets, watches ended early, 410 Gone. */
function injectFault(): void {
  const kind = pick(['500', '503', '429', 'reset', 'watch-drop', 'gone'] as const);
  faultsInjected[kind] = (faultsInjected[kind] ?? 0) + 1;
  const times = 1 + Math.floor(Math.random() * 5);
  const verb = pick(['get', 'patch', 'list', 'create'] as const);
  if (kind === '500' || kind === '503') cluster.faults.failNext({ verb, status: Number(kind), times });
  else if (kind === '429') cluster.faults.failNext({ verb, status: 429, retryAfter: 1, times });
  else if (kind === 'reset') cluster.faults.failNext({ verb, reset: true, times });
  else if (kind === 'watch-drop') cluster.faults.dropWatchAfter({ verb: 'watch', events: Math.floor(Math.random() * 3), times });
  else cluster.faults.goneOnWatch({ verb: 'watch', times });
}

function scheduleFaults(): void {
  faultTimer = setTimeout(
    () => {
      injectFault();
      scheduleFaults();
    },
    Math.random() * 2 * FAULT_EVERY_MS,
  );
}

process.on('message', (m: ClusterCommand) => {
  if (m.type === 'faults') {
    clearTimeout(faultTimer);
    faultTimer = undefined;
    if (m.on) scheduleFaults();
    else cluster.faults.clear();
    process.send!({ id: m.id, ok: true });
    return;
  }
  countRequests();
  const stats: ClusterStats = {
    requests: { ...requests },
    postgresqls: cluster.list('acid.zalan.do/v1', 'postgresql').length,
    rssMiB: process.memoryUsage().rss / 2 ** 20,
    faultsInjected: { ...faultsInjected },
  };
  process.send!({ id: m.id, stats });
});
process.on('disconnect', () => {
  void cluster.close().finally(() => process.exit(0));
});
process.send!({ ready: true, kubeconfig: server.kubeconfigText });
