/**
 * Soak with random faults (plain script; `pnpm bench:soak`, not part of
 * `pnpm bench`): one reference host on PostgreSQL against the mock cluster
 * in its own process (Zalando simulator, clusters ready after a random
 * 0–5 s) for SOAK_MINUTES (default 5). Meanwhile applications with one
 * `postgres` resource are submitted (one every SUBMIT_EVERY_MS, default
 * 1500) and some deleted again; the cluster answers random 5xx, 429 and
 * connection resets, drops watches and answers 410 Gone; the host is killed
 * (SIGKILL) every 2–4 minutes (KILL_MIN_MS..KILL_MAX_MS) and started again; PostgreSQL is restarted
 * once, at 40 % of the run. Then the faults stop and every resource must
 * settle. Prints: submissions accepted, lost (an accepted application
 * whose resource is not active, a deleted one whose resource is not gone),
 * duplicated (more than one live resource, or postgresql object, for one),
 * failed, API requests per resource, and the host's RSS slope per lifetime.
 * Needs DATABASE_URL, PG_BIN and PG_DIR (scripts/soak.sh starts a server).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_TOKEN, hostConfigText } from './lib/host-config';
import { type HostProcess, startClusterProcess, startHostProcess } from './lib/processes';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 5);
const SUBMIT_EVERY_MS = Number(process.env.SUBMIT_EVERY_MS ?? 1_500);
const SETTLE_MS = Number(process.env.SETTLE_MS ?? 300_000);
const KILL_MIN_MS = Number(process.env.KILL_MIN_MS ?? 120_000);
const KILL_MAX_MS = Number(process.env.KILL_MAX_MS ?? 240_000);
const PORT = Number(process.env.SOAK_PORT ?? 18_414);
const { DATABASE_URL, PG_BIN, PG_DIR } = process.env;
if (!DATABASE_URL || !PG_BIN || !PG_DIR)
  throw new Error('DATABASE_URL, PG_BIN and PG_DIR must be set: run it with `pnpm bench:soak` (scripts/soak.sh starts a PostgreSQL)');

const dir = mkdtempSync(join(tmpdir(), 'soak-'));
const log = (text: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${text}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const random = (min: number, max: number) => min + Math.random() * (max - min);

const spec = (app: string) =>
  `apiVersion: score.dev/v1b1\nmetadata:\n  name: ${app}\ncontainers:\n  main:\n    image: app:1\nresources:\n  db:\n    type: postgres\n    params:\n      size: small\n`;

/** One request to the host; `undefined` when the host did not answer (down, restarting). */
async function call(host: HostProcess | undefined, method: string, path: string, body?: string): Promise<{ status: number; json: unknown } | undefined> {
  if (!host) return undefined;
  try {
    const res = await fetch(`${host.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${BENCH_TOKEN}`, ...(body ? { 'content-type': 'application/yaml' } : {}) },
      ...(body ? { body } : {}),
      signal: AbortSignal.timeout(30_000),
    });
    return { status: res.status, json: await res.json().catch(() => undefined) };
  } catch {
    return undefined;
  }
}

/** Least-squares slope of RSS samples, MiB per minute. */
function slope(samples: { t: number; mib: number }[]): number {
  const n = samples.length;
  const mt = samples.reduce((a, s) => a + s.t, 0) / n;
  const mm = samples.reduce((a, s) => a + s.mib, 0) / n;
  const num = samples.reduce((a, s) => a + (s.t - mt) * (s.mib - mm), 0);
  const den = samples.reduce((a, s) => a + (s.t - mt) ** 2, 0);
  return den === 0 ? 0 : (num / den) * 60_000;
}

async function main(): Promise<void> {
  const cluster = await startClusterProcess({ READY_MAX_MS: '5000' });
  const kubeconfigFile = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigFile, cluster.kubeconfig, { mode: 0o600 });
  const config = hostConfigText({
    server: '{ host: 127.0.0.1 }',
    // Set: checked when the script starts.
    store: DATABASE_URL!,
    kubernetes: `{ mode: kubeconfig, kubeconfig: "${kubeconfigFile}" }`,
    orchestrator: '{ concurrency: 200, instanceId: soak-host }',
  });
  const lifetimes: { start: number; samples: { t: number; mib: number }[] }[] = [];
  let host: HostProcess | undefined;
  const startHost = async () => {
    host = await startHostProcess(config, join(dir, 'host.yaml'), join(dir, 'host.log'), PORT);
    lifetimes.push({ start: Date.now(), samples: [] });
  };
  await startHost();
  const sampler = setInterval(() => {
    const life = lifetimes.at(-1);
    // A process being killed reads as 0 (no VmRSS any more): not a sample.
    const mib = host?.rssMiB() ?? 0;
    if (life && mib > 0) life.samples.push({ t: Date.now(), mib });
  }, 5_000);

  const accepted = new Set<string>();
  const deleted = new Set<string>();
  const toSubmit: string[] = [];
  const toDelete: string[] = [];
  let made = 0;
  let kills = 0;
  let pgRestarted = false;
  const t0 = Date.now();
  const end = t0 + MINUTES * 60_000;
  let nextKill = t0 + random(KILL_MIN_MS, KILL_MAX_MS);
  await cluster.faults(true);
  log(`soak for ${MINUTES} min; files in ${dir}`);

  while (Date.now() < end) {
    toSubmit.push(`soak-${made++}`);
    // Every tenth application accepted a while ago is deleted again.
    if (made % 10 === 0 && accepted.size > 20) {
      const victim = [...accepted].find((a) => !deleted.has(a) && !toDelete.includes(a));
      if (victim) toDelete.push(victim);
    }
    for (const app of toSubmit.splice(0)) {
      const res = await call(host, 'POST', '/api/specs', spec(app));
      if (res && (res.status === 202 || res.status === 200)) accepted.add(app);
      else toSubmit.push(app);
      if (res === undefined) break;
    }
    for (const app of toDelete.splice(0)) {
      const res = await call(host, 'DELETE', `/api/specs/${app}`);
      if (res && (res.status === 202 || res.status === 200 || res.status === 404)) deleted.add(app);
      else toDelete.push(app);
      if (res === undefined) break;
    }
    if (Date.now() >= nextKill) {
      kills++;
      log(`killing the host (SIGKILL, #${kills})`);
      await host!.kill();
      host = undefined;
      await sleep(random(1_000, 3_000));
      await startHost();
      nextKill = Date.now() + random(KILL_MIN_MS, KILL_MAX_MS);
    }
    if (!pgRestarted && Date.now() - t0 > 0.4 * MINUTES * 60_000) {
      pgRestarted = true;
      log('restarting PostgreSQL');
      const restart = `${PG_BIN}/pg_ctl -D ${PG_DIR}/data -w -t 60 -m fast restart >/dev/null`;
      if (process.getuid?.() === 0) execFileSync('su', ['postgres', '-s', '/bin/bash', '-c', restart]);
      else execFileSync('bash', ['-c', restart]);
    }
    await sleep(SUBMIT_EVERY_MS);
  }

  log(`faults off; ${accepted.size} applications accepted, ${deleted.size} deleted; settling`);
  await cluster.faults(false);
  for (let i = 0; i < 100 && (toSubmit.length || toDelete.length); i++) {
    for (const app of toSubmit.splice(0)) {
      const res = await call(host, 'POST', '/api/specs', spec(app));
      if (res && (res.status === 202 || res.status === 200)) accepted.add(app);
      else toSubmit.push(app);
    }
    for (const app of toDelete.splice(0)) {
      const res = await call(host, 'DELETE', `/api/specs/${app}`);
      if (res && (res.status === 202 || res.status === 200 || res.status === 404)) deleted.add(app);
      else toDelete.push(app);
    }
    if (toSubmit.length || toDelete.length) await sleep(1_000);
  }

  type Resource = { id: string; application: string; name: string; state: string };
  const listAll = async (): Promise<Resource[]> => {
    const out: Resource[] = [];
    let cursor: string | undefined;
    for (;;) {
      const res = await call(host, 'GET', `/api/resources?limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
      if (!res || res.status !== 200) throw new Error(`GET /api/resources answered ${res?.status ?? 'nothing'}`);
      const body = res.json as { resources: Resource[]; next?: string };
      out.push(...body.resources);
      if (!body.next) return out;
      cursor = body.next;
    }
  };
  const settleStart = Date.now();
  let resources: Resource[] = [];
  const unsettled = (rs: Resource[]) => {
    const live = rs.filter((r) => r.state !== 'terminated');
    const waiting = [...accepted].filter((a) => !deleted.has(a) && !live.some((r) => r.application === a && r.state === 'active'));
    const lingering = [...deleted].filter((a) => live.some((r) => r.application === a));
    return { waiting, lingering };
  };
  for (;;) {
    resources = await listAll();
    const { waiting, lingering } = unsettled(resources);
    if ((waiting.length === 0 && lingering.length === 0) || Date.now() - settleStart > SETTLE_MS) break;
    await sleep(2_000);
  }
  const settledMs = Date.now() - settleStart;
  clearInterval(sampler);
  const { waiting, lingering } = unsettled(resources);
  const live = resources.filter((r) => r.state !== 'terminated');
  const perApp = new Map<string, number>();
  for (const r of live) perApp.set(`${r.application}/${r.name}`, (perApp.get(`${r.application}/${r.name}`) ?? 0) + 1);
  const duplicated = [...perApp.values()].filter((n) => n > 1).length;
  const failed = live.filter((r) => r.state === 'failed');
  const stats = await cluster.stats();
  const requests = Object.values(stats.requests).reduce((a, b) => a + b, 0);
  const hostLog = readFileSync(join(dir, 'host.log'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'));
  const errors = hostLog.filter((l) => /"level":(50|60)/.test(l)).length;
  const slopes = lifetimes
    .map((l) => ({ minutes: ((l.samples.at(-1)?.t ?? l.start) - l.start) / 60_000, samples: l.samples.filter((s) => s.t - l.start >= 60_000) }))
    .filter((l) => l.samples.length >= 6)
    .map(
      (l) =>
        `${slope(l.samples).toFixed(2)} MiB/min over ${l.minutes.toFixed(1)} min (${l.samples[0]!.mib.toFixed(0)}→${l.samples.at(-1)!.mib.toFixed(0)} MiB)`,
    );
  const peak = Math.max(...lifetimes.flatMap((l) => l.samples.map((s) => s.mib)));
  log(
    `soak ${MINUTES} min: ${made} applications made, ${accepted.size} accepted, ${deleted.size} deleted; host killed ${kills} times, PostgreSQL restarted ${pgRestarted ? 'once' : 'never'}; ` +
      `faults injected ${JSON.stringify(stats.faultsInjected)}; settled ${(settledMs / 1000).toFixed(0)} s after the faults stopped`,
  );
  log(
    `lost ${waiting.length + lingering.length} (not active: ${waiting.length}${waiting.length ? ` e.g. ${waiting.slice(0, 3).join(', ')}` : ''}; deleted but still there: ${lingering.length}), ` +
      `duplicated ${duplicated} (live resources per application/name > 1), postgresql objects ${stats.postgresqls} for ${accepted.size - deleted.size} live applications, ` +
      `failed ${failed.length}${
        failed.length
          ? ` e.g. ${failed
              .slice(0, 3)
              .map((r) => r.application)
              .join(', ')}`
          : ''
      }`,
  );
  log(
    `API requests ${requests} (${(requests / accepted.size).toFixed(2)} per application, deletes included) by verb ${JSON.stringify(stats.requests)}; host log error lines ${errors}; ` +
      `host RSS peak ${peak.toFixed(0)} MiB, slope per lifetime (after its first minute): ${slopes.join('; ') || 'no lifetime long enough'}; mock cluster RSS ${stats.rssMiB.toFixed(0)} MiB`,
  );
  await host?.stop();
  await cluster.stop();
}

await main();
