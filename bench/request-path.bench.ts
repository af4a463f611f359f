/**
 * The request path of `POST /api/specs` alone (plain script; `pnpm bench
 * request-path`): one reference host in this process on SQLite, its HTTP
 * server listening and its orchestrator not started, so no runs take the
 * event loop. After WARMUP sequential submissions, BURSTS bursts of
 * CONCURRENT concurrent ones (each a new application with one `postgres`
 * resource, as in post-specs.bench.ts) from `node:http` clients in a child
 * process, so that their CPU is not the host's. For each burst it prints the
 * host's CPU per request (the whole process, from `process.cpuUsage`, and
 * its main thread alone, from /proc, in clock ticks) and the latencies.
 * CPU per request changes far less with the machine's load than latency
 * does, so it is the figure to compare builds with. HOST_ROOT runs the host
 * of another checkout (from its source); PROFILE_DIR writes a CPU profile of
 * the bursts there.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { procCpuSeconds, startProfile } from './lib/cpu';
import { hostConfigText } from './lib/host-config';
import { percentileMs, postSpec } from './lib/spec-client';

const CONCURRENT = Number(process.env.CONCURRENT ?? 200);
const BURSTS = Number(process.env.BURSTS ?? 6);
const WARMUP = Number(process.env.WARMUP ?? 50);

/** What the clients' process and the host's say to each other. */
type Message = { type: 'warm' } | { type: 'ready' } | { type: 'go'; burst: number } | { type: 'done'; ms: number[]; wall: number };

/** The clients' process: the warm-up, then a burst each time the host says go. */
async function clients(url: string): Promise<void> {
  for (let i = 0; i < WARMUP; i++) await postSpec(url, `warm-${i}`);
  process.send!({ type: 'warm' } satisfies Message);
  process.on('message', async (m: Message) => {
    if (m.type !== 'go') return;
    const t0 = performance.now();
    const ms = (await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => postSpec(url, `b${m.burst}-app-${i}`)))).sort((a, b) => a - b);
    process.send!({ type: 'done', ms, wall: performance.now() - t0 } satisfies Message);
  });
}

async function host(): Promise<void> {
  const root = process.env.HOST_ROOT ?? fileURLToPath(new URL('..', import.meta.url));
  const { createHost, loadConfig } = (await import(
    pathToFileURL(join(root, 'examples/reference-host/src/index.ts')).href
  )) as typeof import('../examples/reference-host/src/index');
  const dir = mkdtempSync(join(tmpdir(), 'request-path-bench-'));
  const text = hostConfigText({
    store: `sqlite:${join(dir, 'host.db')}`,
    kubernetes: '{ mode: simulate }',
    providerDir: join(root, 'providers/database-team'),
  });
  const h = await createHost({ config: loadConfig({ text, env: {} }), logDestination: new Writable({ write: (_c, _e, cb) => cb() }) });
  // The HTTP server only: the orchestrator is not started, so no runs.
  const url = await h.app.listen({ host: '127.0.0.1', port: 0 });
  const child = fork(fileURLToPath(import.meta.url), ['clients', url], { execArgv: process.execArgv, stdio: 'inherit' });
  let failed: ((err: Error) => void) | undefined;
  child.once('exit', (code) => failed?.(new Error(`the clients' process exited with ${code}`)));
  const next = (type: Message['type']) =>
    new Promise<Message>((resolve, reject) => {
      failed = reject;
      const on = (m: Message) => {
        if (m.type !== type) return;
        child.off('message', on);
        resolve(m);
      };
      child.on('message', on);
    });
  try {
    await next('warm');
    const profile = process.env.PROFILE_DIR ? await startProfile() : undefined;
    const perRequest: number[] = [];
    const mainPerRequest: number[] = [];
    for (let burst = 0; burst < BURSTS; burst++) {
      const cpu0 = process.cpuUsage();
      const main0 = procCpuSeconds(process.pid, process.pid);
      const done = next('done');
      child.send({ type: 'go', burst } satisfies Message);
      const { ms, wall } = (await done) as Extract<Message, { type: 'done' }>;
      const cpu = process.cpuUsage(cpu0);
      const main = (procCpuSeconds(process.pid, process.pid) - main0) * 1000;
      const cpuMs = (cpu.user + cpu.system) / 1000;
      perRequest.push(cpuMs / CONCURRENT);
      mainPerRequest.push(main / CONCURRENT);
      const q = (p: number) => percentileMs(ms, p);
      console.log(
        `burst ${burst + 1}: host CPU ${(cpuMs / CONCURRENT).toFixed(3)} ms per request (main thread ${(main / CONCURRENT).toFixed(2)} ms); ` +
          `p50 ${q(50)} ms, p99 ${q(99)} ms, max ${ms.at(-1)!.toFixed(0)} ms, burst ${wall.toFixed(0)} ms; load ${loadavg()[0]!.toFixed(1)}`,
      );
    }
    if (profile) writeFileSync(join(process.env.PROFILE_DIR!, `request-path-${process.pid}.cpuprofile`), JSON.stringify(await profile()));
    const median = (values: number[]) => values.slice(1).sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;
    console.log(
      `request path: median of bursts 2–${BURSTS}: host CPU ${median(perRequest).toFixed(3)} ms per request, main thread ${median(mainPerRequest).toFixed(3)} ms; load ${loadavg()[0]!.toFixed(1)}`,
    );
  } finally {
    failed = undefined;
    child.kill();
    await h.close({ graceMs: 0 });
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'clients') await clients(process.argv[3]!);
else await host();
