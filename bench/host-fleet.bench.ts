/**
 * Many database-team resources in flight on one reference host (plain
 * script; `pnpm bench host-fleet`, `COUNT=10000` for the full fleet): the
 * host runs in a process of its own on SQLite (or PostgreSQL with
 * DATABASE_URL and STORE=postgres), the mock cluster with the Zalando
 * simulator in another (each cluster ready after a random 0..READY_MAX_MS,
 * default 5000). COUNT resources (100 per application, the most one Score
 * spec may hold) are submitted with POST /api/specs, 8 requests at a time.
 * Prints the time to submit them all, to all active, the time after the
 * last submission (the aim: within the readiness + 2 s), the host's peak
 * RSS, API requests per resource, and the CPU of the host, the mock cluster
 * and itself with the earliest end that CPU allows on the machine's cores.
 * With HEAP_SNAPSHOT_DIR, the host writes heap snapshots there: before the
 * first submission, then
 * HEAP_SNAPSHOT_DELAY_MS (default 0) after the last submission, and when
 * all have settled (the second one's time and CPU are in that run's figures).
 * With LIVE_SET=1, the host runs a full collection when the last submission
 * is answered and every 5 s after it, and the largest heap left after one
 * is printed (those collections are in the run's time and CPU). With
 * TRACE_GC=1, the host's collections are counted from V8's trace in its log.
 * With ALLOC_PROFILE_DIR, the host samples every allocation from its start and
 * writes the profile there once all have settled.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { procCpuSeconds } from './lib/cpu';
import { formatGcTrace, summarizeGcTrace } from './lib/gc-trace';
import { BENCH_TOKEN, hostConfigText } from './lib/host-config';
import { startClusterProcess, startHostProcess } from './lib/processes';

const COUNT = Number(process.env.COUNT ?? 1_000);
const PER_APP = 100;
const READY_MAX_MS = Number(process.env.READY_MAX_MS ?? 5_000);
const PARALLEL = 8;
const LIMIT_MS = Number(process.env.LIMIT_MS ?? 15 * 60_000);
const PORT = Number(process.env.FLEET_PORT ?? 18_415);

const spec = (app: string, n: number) =>
  [
    'apiVersion: score.dev/v1b1',
    'metadata:',
    `  name: ${app}`,
    'containers:',
    '  main:',
    '    image: app:1',
    'resources:',
    ...Array.from({ length: n }, (_, i) => `  db-${i}:\n    type: postgres\n    params:\n      size: small`),
    '',
  ].join('\n');

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-bench-'));
  const cluster = await startClusterProcess({ READY_MAX_MS: String(READY_MAX_MS) });
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, cluster.kubeconfig, { mode: 0o600 });
  const store = process.env.STORE === 'postgres' && process.env.DATABASE_URL ? process.env.DATABASE_URL : `sqlite:${join(dir, 'host.db')}`;
  const config = hostConfigText({
    server: '{ host: 127.0.0.1, bodyLimit: 1MiB }',
    store,
    kubernetes: `{ mode: kubeconfig, kubeconfig: "${kubeconfig}" }`,
    orchestrator: `{ concurrency: ${Math.min(COUNT, 10_000)} }`,
  });
  const host = await startHostProcess(config, join(dir, 'host.yaml'), join(dir, 'host.log'), PORT);
  let peakRss = host.rssMiB();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, host.rssMiB())), 200);
  const byVerbBefore = (await cluster.stats()).requests;
  const requestsBefore = Object.values(byVerbBefore).reduce((a, b) => a + b, 0);
  const headers = { authorization: `Bearer ${BENCH_TOKEN}` };
  await host.heapSnapshot();
  const cpu0 = host.cpuSeconds();
  const hostMain0 = host.mainThreadCpuSeconds();
  const clusterCpu0 = procCpuSeconds(cluster.pid);
  const clusterMain0 = procCpuSeconds(cluster.pid, cluster.pid);
  const ownCpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    const apps = Array.from({ length: Math.ceil(COUNT / PER_APP) }, (_, i) => ({ name: `fleet-${i}`, n: Math.min(PER_APP, COUNT - i * PER_APP) }));
    const queue = [...apps];
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        for (let app = queue.shift(); app; app = queue.shift()) {
          const res = await fetch(`${host.url}/api/specs`, {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/yaml' },
            body: spec(app.name, app.n),
          });
          const body = await res.text();
          if (res.status !== 202) throw new Error(`POST /api/specs for ${app.name} answered ${res.status}: ${body.slice(0, 300)}`);
        }
      }),
    );
    const submitted = performance.now();
    // HEAP_SNAPSHOT_DIR: one snapshot with the runs in flight (HEAP_SNAPSHOT_DELAY_MS after the last submission answered), one after all settled.
    if (process.env.HEAP_SNAPSHOT_DIR) {
      await new Promise((r) => setTimeout(r, Number(process.env.HEAP_SNAPSHOT_DELAY_MS ?? 0)));
      await host.heapSnapshot();
    }
    const live = { heapUsedMiB: 0, rssMiB: 0, atS: 0, samples: 0 };
    let nextLiveSet = performance.now();
    let active = 0;
    let failed = 0;
    /** Peaks of the host's own memory gauges (MiB), read with its counters. */
    const memory: Record<string, number> = {};
    for (;;) {
      // The host's own counters (a fresh host: every transition to active is one resource done); cheap to read, unlike listing 10,000 resources.
      const text = await (await fetch(`${host.url}/metrics`)).text();
      for (const [key, name] of Object.entries(MEMORY_METRICS)) memory[key] = Math.max(memory[key] ?? 0, gauge(text, name) / 2 ** 20);
      active = transitionsTo(text, 'active');
      failed = transitionsTo(text, 'failed');
      if (active + failed >= COUNT || performance.now() - t0 > LIMIT_MS) break;
      if (performance.now() >= nextLiveSet) {
        nextLiveSet += 5_000;
        const sample = await host.liveSet();
        if (sample) live.samples++;
        if (sample && sample.heapUsedMiB > live.heapUsedMiB) Object.assign(live, sample, { atS: (performance.now() - submitted) / 1000 });
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    const done = performance.now();
    const cpu = host.cpuSeconds() - cpu0;
    const hostMain = host.mainThreadCpuSeconds() - hostMain0;
    const clusterCpu = procCpuSeconds(cluster.pid) - clusterCpu0;
    const clusterMain = procCpuSeconds(cluster.pid, cluster.pid) - clusterMain0;
    const ownCpuUsage = process.cpuUsage(ownCpu0);
    const ownCpu = (ownCpuUsage.user + ownCpuUsage.system) / 1e6;
    await host.heapSnapshot();
    await host.allocProfile();
    const byVerb = (await cluster.stats()).requests;
    const requests = Object.values(byVerb).reduce((a, b) => a + b, 0) - requestsBefore;
    console.log(
      `host-fleet ${store.startsWith('sqlite') ? 'sqlite' : 'postgres'} ${COUNT} resources (readiness random 0–${READY_MAX_MS} ms, load ${loadavg()[0]!.toFixed(1)}): ` +
        `submitted in ${((submitted - t0) / 1000).toFixed(1)} s, ${active} active and ${failed} failed ${((done - t0) / 1000).toFixed(1)} s after the first submission ` +
        `(${((done - submitted) / 1000).toFixed(1)} s after the last; aim ≤ ${((READY_MAX_MS + 2_000) / 1000).toFixed(0)} s), host peak RSS ${peakRss.toFixed(0)} MiB, host CPU ${cpu.toFixed(1)} s (${((cpu * 1000) / COUNT).toFixed(1)} ms per resource), ` +
        `API requests per resource ${(requests / COUNT).toFixed(2)}; host Node options: ${host.nodeOptions.join(' ') || 'none'}`,
    );
    console.log(
      cpuFloor(
        { host: cpu, hostMain, cluster: clusterCpu, clusterMain, bench: ownCpu },
        (done - t0) / 1000,
        (submitted - t0) / 1000 + (READY_MAX_MS + 2_000) / 1000,
      ),
    );
    console.log(
      `host memory peaks (MiB, read every 0.5 s): ${Object.entries(memory)
        .map(([k, v]) => `${k} ${v.toFixed(0)}`)
        .join(', ')}`,
    );
    console.log(
      `API requests by verb: ${Object.entries(byVerb)
        .map(([k, v]) => `${k} ${v - (byVerbBefore[k] ?? 0)}`)
        .join(', ')}`,
    );
    if (live.samples > 0)
      console.log(
        `host live set (${live.samples} full collections, every 5 s from the last submission): largest heap used after one ${live.heapUsedMiB.toFixed(0)} MiB (RSS ${live.rssMiB.toFixed(0)} MiB), ${live.atS.toFixed(1)} s after the last submission`,
      );
    if (process.env.TRACE_GC === '1') console.log(formatGcTrace(summarizeGcTrace(readFileSync(join(dir, 'host.log'), 'utf8'))));
    if (failed > 0) console.log(`failed resources by error: ${JSON.stringify(await failuresByCode(host.url, headers))}`);
  } finally {
    clearInterval(sampler);
    await host.stop();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** How many failed resources ended with each error (`CODE` or `CODE < CAUSE_CODE`, and the step), and the first one's message, read page by page. */
async function failuresByCode(url: string, headers: Record<string, string>): Promise<Record<string, { count: number; first: string }>> {
  const counts: Record<string, { count: number; first: string }> = {};
  let cursor: string | undefined;
  do {
    const page = (await (await fetch(`${url}/api/resources?state=failed&limit=500${cursor ? `&cursor=${cursor}` : ''}`, { headers })).json()) as {
      resources: { error?: { code?: string; message?: string; step?: string; cause?: { code?: string } } }[];
      next?: string;
    };
    for (const r of page.resources) {
      const e = r.error ?? {};
      const key = `${e.code ?? '?'}${e.cause?.code ? ` < ${e.cause.code}` : ''}${e.step ? ` (${e.step})` : ''}`;
      const seen = counts[key];
      if (seen) seen.count++;
      else counts[key] = { count: 1, first: (e.message ?? '').slice(0, 300) };
    }
    cursor = page.next;
  } while (cursor);
  return counts;
}

/** The host's memory gauges (prom-client's default metrics) whose peaks are printed. */
const MEMORY_METRICS = {
  'heap used': 'innominatus_host_nodejs_heap_size_used_bytes',
  'heap total': 'innominatus_host_nodejs_heap_size_total_bytes',
  external: 'innominatus_host_nodejs_external_memory_bytes',
  rss: 'innominatus_host_process_resident_memory_bytes',
};

/** The value of an unlabelled gauge in a Prometheus text (0 when absent). */
function gauge(metrics: string, name: string): number {
  const m = new RegExp(`^${name} (\\S+)`, 'm').exec(metrics);
  return m ? Number(m[1]) : 0;
}

/** The value of `innominatus_resource_transitions_total{to="<state>"}` in a Prometheus text. */
function transitionsTo(metrics: string, state: string): number {
  const m = new RegExp(`^innominatus_resource_transitions_total\\{to="${state}"\\} (\\d+)`, 'm').exec(metrics);
  return m ? Number(m[1]) : 0;
}

await main();

/**
 * The run's CPU by process and the floor it sets on the machine's cores: the
 * whole run can end no sooner than the CPU of the three processes over the
 * cores, nor than the host's or the mock cluster's main thread (one event
 * loop each, so one core at most) alone; their helper threads (V8's, libuv's)
 * count only in the sum.
 */
function cpuFloor(cpu: { host: number; hostMain: number; cluster: number; clusterMain: number; bench: number }, runS: number, aimS: number): string {
  const total = cpu.host + cpu.cluster + cpu.bench;
  const floor = Math.max(total / availableParallelism(), cpu.hostMain, cpu.clusterMain);
  return (
    `CPU: host ${cpu.host.toFixed(1)} s (main thread ${cpu.hostMain.toFixed(1)} s), mock cluster ${cpu.cluster.toFixed(1)} s (${((cpu.cluster * 1000) / COUNT).toFixed(1)} ms per resource; main thread ${cpu.clusterMain.toFixed(1)} s), this benchmark ${cpu.bench.toFixed(1)} s; ` +
    `on ${availableParallelism()} cores no run can end before ${floor.toFixed(1)} s from the first submission (this one ${runS.toFixed(1)} s; the aim ${aimS.toFixed(1)} s)`
  );
}
