/**
 * 200 concurrent `POST /api/specs` to one reference host (plain script;
 * `pnpm bench post-specs`): each request is a new Score application with one
 * `postgres` resource of the database-team provider. After a warm-up of 20
 * sequential requests, prints the latency of the burst's requests (p50, p95,
 * p99, max; from request sent to response received), its wall time, the CPU
 * time the host spent in it, and how long after the burst every resource was
 * active (the runs a request starts may finish later).
 *
 * As deployed: the host in a process of its own (its CLI, SQLite), the mock
 * cluster with the Zalando simulator in another, and the clients in this
 * one; the clients are `node:http` requests (`fetch` cost four times the
 * CPU per request, which on two cores came off the host's share). HOST_ROOT
 * runs the host of another checkout (an A/B against an older commit with
 * the same clients and cluster). With IN_PROCESS=1, everything in this process instead (host with
 * `--simulate`, the clients' CPU counted with the host's; it also prints the
 * event loop's delay). With DATABASE_URL set (scripts/bench.sh starts a
 * server), the same on PostgreSQL. With PROFILE_DIR set, CPU profiles are
 * written there (the host's when it exits, and the burst's window in the
 * profile's clock is printed; in-process, one of the burst). With
 * WARMUP_SETTLED=1 the burst starts once the warm-up's resources are active,
 * so no runs are in flight during it. The host's CPU is printed whole and
 * for its main thread (the event loop) alone, with the runs the host started
 * during the burst (the rest of the runs start after it).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createHost, loadConfig } from '../examples/reference-host/src/index';
import { onPostgresDatabase } from '../packages/store-sql/bench/lib/bench-databases';
import { startProfile } from './lib/cpu';
import { hostConfigText } from './lib/host-config';
import { startClusterProcess, startHostProcess } from './lib/processes';
import { percentileMs, postSpec } from './lib/spec-client';

const CONCURRENT = Number(process.env.CONCURRENT ?? 200);
const WARMUP = 20;
/** With WARMUP_SETTLED=1, the burst starts once the warm-up's resources are active (no runs in flight during it). */
const WARMUP_SETTLED = process.env.WARMUP_SETTLED === '1';
const PORT = Number(process.env.POST_SPECS_PORT ?? 18_416);
/** What a burst measured. */
interface Burst {
  ms: number[];
  wall: number;
}

/** The warm-up, then CONCURRENT requests at once; latencies sorted. */
async function burst(url: string, measure: () => Promise<void> = async () => {}): Promise<Burst> {
  for (let i = 0; i < WARMUP; i++) await postSpec(url, `warm-${i}`);
  if (WARMUP_SETTLED) await allActive(url, WARMUP);
  await measure();
  const t0 = performance.now();
  const ms = (await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => postSpec(url, `app-${i}`)))).sort((a, b) => a - b);
  return { ms, wall: performance.now() - t0 };
}

function latencies({ ms, wall }: Burst): string {
  const q = (p: number) => percentileMs(ms, p);
  return `p50 ${q(50)} ms, p95 ${q(95)} ms, p99 ${q(99)} ms, max ${ms.at(-1)!.toFixed(0)} ms; burst ${wall.toFixed(0)} ms`;
}

/** The host and the mock cluster each in a process of their own, the clients here. */
async function separate(label: string, storeUrl: string, dir: string): Promise<void> {
  const cluster = await startClusterProcess({ READY_MAX_MS: '1000' });
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, cluster.kubeconfig, { mode: 0o600 });
  const host = await startHostProcess(
    hostConfigText({ store: storeUrl, kubernetes: `{ mode: kubeconfig, kubeconfig: "${kubeconfig}" }` }),
    join(dir, `${label}.yaml`),
    join(dir, `${label}.log`),
    PORT,
  );
  try {
    let cpu0 = 0;
    let main0 = 0;
    let clients0 = process.cpuUsage();
    let window0 = 0n;
    let started0 = 0;
    const result = await burst(host.url, async () => {
      started0 = await transitions(host.url, 'provisioning');
      cpu0 = host.cpuSeconds();
      main0 = host.mainThreadCpuSeconds();
      clients0 = process.cpuUsage();
      window0 = process.hrtime.bigint();
    });
    const cpu = (host.cpuSeconds() - cpu0) * 1000;
    const main = (host.mainThreadCpuSeconds() - main0) * 1000;
    const started = (await transitions(host.url, 'provisioning')) - started0;
    if (process.env.PROFILE_DIR) console.log(`burst window (monotonic µs, as in the host's profile): ${window0 / 1000n} ${process.hrtime.bigint() / 1000n}`);
    const clients = process.cpuUsage(clients0);
    const active = await allActive(host.url, WARMUP + CONCURRENT);
    console.log(
      `POST /api/specs ${label.padEnd(8)} ${CONCURRENT} concurrent, host in its own process: ${latencies(result)}, ` +
        `host CPU ${cpu.toFixed(0)} ms (${(cpu / CONCURRENT).toFixed(1)} ms per request; main thread ${(main / CONCURRENT).toFixed(1)} ms), clients' CPU ${((clients.user + clients.system) / 1000).toFixed(0)} ms; ${started} runs started during the burst; all active ${(active / 1000).toFixed(1)} s after the burst (clusters ready after 0–1 s); load ${loadavg()[0]!.toFixed(1)}`,
    );
  } finally {
    await host.stop();
    await cluster.stop();
  }
}

/** The host's count of resource transitions to `state` so far (its metrics). */
async function transitions(url: string, state: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = new RegExp(`^innominatus_resource_transitions_total\\{to="${state}"\\} (\\d+)`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

/** Milliseconds until `count` resources went active (the host's transition counter), from now. */
async function allActive(url: string, count: number): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    if ((await transitions(url, 'active')) >= count) return performance.now() - t0;
    if (performance.now() - t0 > 300_000) throw new Error(`fewer than ${count} resources active after 5 minutes`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Host (with `--simulate`), its runs and simulated cluster, and the clients, all in this process. */
async function inProcess(label: string, storeUrl: string): Promise<void> {
  const config = loadConfig({ text: hostConfigText({ store: storeUrl, kubernetes: '{ mode: simulate }' }), env: {} });
  const host = await createHost({ config, logDestination: new Writable({ write: (_c, _e, cb) => cb() }) });
  const url = await host.listen();
  try {
    let profiler: (() => Promise<object>) | undefined;
    const loop = monitorEventLoopDelay({ resolution: 10 });
    let cpu0 = process.cpuUsage();
    const result = await burst(url, async () => {
      profiler = process.env.PROFILE_DIR ? await startProfile() : undefined;
      loop.enable();
      cpu0 = process.cpuUsage();
    });
    const cpu = process.cpuUsage(cpu0);
    loop.disable();
    if (profiler) writeFileSync(join(process.env.PROFILE_DIR!, `post-specs-${label}.cpuprofile`), JSON.stringify(await profiler()));
    const cpuMs = (cpu.user + cpu.system) / 1000;
    console.log(
      `POST /api/specs ${label.padEnd(8)} ${CONCURRENT} concurrent, all in one process: ${latencies(result)}, ` +
        `CPU ${cpuMs.toFixed(0)} ms (${(cpuMs / CONCURRENT).toFixed(1)} ms per request), ` +
        `event loop delay p50 ${(loop.percentile(50) / 1e6).toFixed(0)} ms, max ${(loop.max / 1e6).toFixed(0)} ms; load ${loadavg()[0]!.toFixed(1)}`,
    );
  } finally {
    await host.close({ graceMs: 0 });
  }
}

async function main(): Promise<void> {
  const run = (label: string, url: string, dir: string) => (process.env.IN_PROCESS ? inProcess(label, url) : separate(label, url, dir));
  const dir = mkdtempSync(join(tmpdir(), 'post-specs-bench-'));
  try {
    await run('sqlite', `sqlite:${join(dir, 'host.db')}`, dir);
    await onPostgresDatabase('bench', (url) => run('postgres', url, dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
