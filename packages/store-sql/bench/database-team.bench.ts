/**
 * The database-team provider end to end (plain script; `pnpm bench database-team`):
 * 1,000 `postgres` resources submitted at once to one orchestrator on SQLite
 * and on PostgreSQL, served by the real Kubernetes steps against the mock
 * cluster over HTTP with the Zalando operator simulator. Prints wall time to
 * all active, Kubernetes API requests per resource, store operations per
 * resource and peak RSS. PostgreSQL needs DATABASE_URL (scripts/bench.sh starts one).
 *
 * Each cluster becomes ready after its own random delay, uniform in
 * 0..READY_MAX_MS (default 5000 ms: operators take seconds, not a fixed time, to ready a cluster).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { aesGcmEncrypter, createEngine, createOrchestrator, ProviderRegistry, StepRegistry, type Store } from '@innominatus/core';
import { loadProviderSource } from '@innominatus/provider-sdk';
import { kubernetesSteps } from '@innominatus/steps-kubernetes';
import { createMockCluster, zalandoPostgresOperator } from '@innominatus/steps-kubernetes/testing';
import { createPostgresStore, createSqliteStore } from '../src/index';
import { onPostgresDatabase, onSqliteFile } from './lib/bench-databases';

const COUNT = Number(process.env.COUNT ?? 1_000);
const READY_MAX_MS = Number(process.env.READY_MAX_MS ?? 5_000);
const key = aesGcmEncrypter(randomBytes(32));
const providerDir = fileURLToPath(new URL('../../../providers/database-team', import.meta.url));

/** Counts every store call made through it. */
function counting(store: Store): { store: Store; calls: () => number } {
  let calls = 0;
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      if (prop === 'onWork' || prop === 'close') return v.bind(target);
      return (...args: unknown[]) => {
        calls++;
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: proxy, calls: () => calls };
}

async function run(label: string, raw: Store): Promise<void> {
  // A cluster where the namespace each resource is provisioned into already exists.
  const cluster = createMockCluster({ autoCreateNamespaces: true });
  const operator = zalandoPostgresOperator(cluster, { pickupDelayMs: 0, createDelayMs: () => Math.random() * READY_MAX_MS });
  const server = await cluster.listen({ host: '127.0.0.1' });
  const steps = new StepRegistry().registerAll(kubernetesSteps({ kubeconfig: server.kubeConfig }));
  const loaded = await loadProviderSource({ dir: providerDir }, { steps, displayRoot: providerDir });
  if (!loaded.provider) throw new Error(`database-team provider did not load: ${loaded.diagnostics.map((d) => d.message).join('; ')}`);
  const registry = new ProviderRegistry();
  registry.register(loaded.provider);

  const { store, calls } = counting(raw);
  const engine = createEngine({ steps, journal: store, encrypter: key });
  const orchestrator = createOrchestrator({ store, engine, registry, concurrency: COUNT, batchSize: 100, pollIntervalMs: 5_000 });
  let failed = 0;
  orchestrator.events.on('resource:transition', (e) => {
    if (e.to === 'failed') {
      failed++;
      if (failed <= 3) console.log(`  failed: ${e.name}: ${e.reason}`);
    }
  });
  let started = 0;
  let allStartedAt = 0;
  orchestrator.events.on('run:started', () => {
    if (++started === COUNT) allStartedAt = performance.now();
  });
  const stepMs = new Map<string, number[]>();
  orchestrator.events.on('step:succeeded', (e) => {
    const list = stepMs.get(e.step) ?? [];
    list.push(e.durationMs);
    stepMs.set(e.step, list);
  });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  orchestrator.start();
  cluster.clearRequests();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await Promise.all(
    Array.from({ length: COUNT }, (_, i) => orchestrator.submit({ application: 'shop', name: `db-${i}`, type: 'postgres', properties: { size: 'small' } })),
  );
  for (;;) {
    const done = await raw.countResources({ application: 'shop', state: 'active' });
    if (done + failed >= COUNT) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  const requests = cluster.countRequests();
  const storeOps = calls();
  await orchestrator.stop({ graceMs: 5_000 });
  operator.stop();
  await server.close();
  console.log(
    `database-team ${label.padEnd(8)} ${COUNT} resources (readiness random 0–${READY_MAX_MS} ms): all runs started after ${((allStartedAt - t0) / 1000).toFixed(2)} s, all settled in ${(wall / 1000).toFixed(2)} s ` +
      `(CPU time of this process ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s: host, orchestrator, steps, mock cluster and simulator together), ` +
      `${failed} failed, API requests per resource ${(requests / COUNT).toFixed(2)}, store operations per resource ${(storeOps / COUNT).toFixed(1)}, ` +
      `peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB`,
  );
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`  step durations (median / max): ${[...stepMs].map(([step, xs]) => `${step} ${median(xs)} / ${Math.max(...xs)} ms`).join(', ')}`);
}

async function main(): Promise<void> {
  await onSqliteFile('dbteam-bench', async (filename) => {
    const sqlite = await createSqliteStore({ filename, encrypter: key });
    await run('sqlite', sqlite);
    await sqlite.close();
  });
  await onPostgresDatabase('bench', async (url) => {
    const store = await createPostgresStore({ connectionString: url, poolSize: 20, encrypter: key });
    await run('postgres', store);
    await store.close();
  });
}

await main();
