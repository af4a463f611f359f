/**
 * 200 concurrent `POST /api/specs` to one reference host on SQLite (plain script; `pnpm bench post-specs`):
 * each request is a new Score application with one `postgres` resource of the
 * database-team provider, served by the simulated cluster in the same process.
 * Prints the latency of the requests (p50, p95, p99, max) and the wall time of
 * the burst, the CPU time the process spent in it (server, runs it started,
 * simulated cluster and the bench's own client together) and the event
 * loop's delay, after a warm-up of 20 sequential requests. With DATABASE_URL
 * set (scripts/bench.sh starts a server), the same on PostgreSQL. With
 * PROFILE_DIR set, a CPU profile of each burst is written there.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createHost, loadConfig } from '../examples/reference-host/src/index';
import { createTestDatabase } from '../packages/store-sql/src/testing/index';

const CONCURRENT = Number(process.env.CONCURRENT ?? 200);
const WARMUP = 20;
const TOKEN = 'bench-admin-token-0123456789abcdef';
const providerDir = fileURLToPath(new URL('../providers/database-team', import.meta.url));

const spec = (app: string) => `apiVersion: score.dev/v1b1
metadata:
  name: ${app}
containers:
  main:
    image: app:1
    variables:
      DB_HOST: \${resources.db.host}
resources:
  db:
    type: postgres
    params:
      size: small
`;

async function run(label: string, storeUrl: string): Promise<void> {
  const config = loadConfig({
    text: [
      'server: { host: 127.0.0.1, port: 0 }',
      `store: { url: "${storeUrl}" }`,
      'kubernetes: { mode: simulate }',
      'auth:',
      '  tokens:',
      `    - { name: bench, role: admin, token: ${TOKEN} }`,
      'providers:',
      `  - { name: database-team, type: filesystem, path: "${providerDir}" }`,
      `secrets: { encryptionKey: ${'ab'.repeat(32)} }`,
      'logging: { level: warn }',
      '',
    ].join('\n'),
    env: {},
  });
  const host = await createHost({ config, logDestination: new Writable({ write: (_c, _e, cb) => cb() }) });
  const url = await host.listen();
  const post = async (app: string): Promise<number> => {
    const t = performance.now();
    const res = await fetch(`${url}/api/specs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/yaml' },
      body: spec(app),
    });
    await res.text();
    if (res.status !== 202) throw new Error(`POST /api/specs for ${app} answered ${res.status}`);
    return performance.now() - t;
  };
  try {
    for (let i = 0; i < WARMUP; i++) await post(`warm-${i}`);
    const profiler = process.env.PROFILE_DIR ? await startProfile() : undefined;
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const ms = (await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => post(`app-${i}`)))).sort((a, b) => a - b);
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    loop.disable();
    if (profiler) writeFileSync(join(process.env.PROFILE_DIR!, `post-specs-${label}.cpuprofile`), JSON.stringify(await profiler()));
    const q = (p: number) => ms[Math.min(ms.length - 1, Math.floor((p / 100) * ms.length))]!.toFixed(0);
    console.log(
      `POST /api/specs ${label.padEnd(8)} ${CONCURRENT} concurrent: p50 ${q(50)} ms, p95 ${q(95)} ms, p99 ${q(99)} ms, max ${ms.at(-1)!.toFixed(0)} ms; burst ${wall.toFixed(0)} ms, ` +
        `CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms (${((cpu.user + cpu.system) / 1000 / CONCURRENT).toFixed(1)} ms per request), ` +
        `event loop delay p50 ${(loop.percentile(50) / 1e6).toFixed(0)} ms, max ${(loop.max / 1e6).toFixed(0)} ms; load ${loadavg()[0]!.toFixed(1)}`,
    );
  } finally {
    await host.close({ graceMs: 0 });
  }
}

/** Starts the V8 profiler in this process; the function returned stops it and gives the profile. */
async function startProfile(): Promise<() => Promise<object>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => (await session.post('Profiler.stop')).profile;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'post-specs-bench-'));
  try {
    await run('sqlite', `sqlite:${join(dir, 'host.db')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (!process.env.DATABASE_URL) {
    console.log('postgres: skipped, DATABASE_URL is not set (scripts/bench.sh starts a server)');
    return;
  }
  const db = await createTestDatabase({ prefix: 'bench' });
  try {
    await run('postgres', db.url);
  } finally {
    await db.drop();
  }
}

await main();
