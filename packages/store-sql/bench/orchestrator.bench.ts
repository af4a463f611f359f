/**
 * Orchestrator benchmark (plain script, prints numbers; `pnpm bench store-sql`):
 *  1. detection latency, submit → workflow start, with the 5 s safety-net poll:
 *     SQLite (in process), PostgreSQL (in process) and PostgreSQL across
 *     replicas (request written by another store handle, woken by LISTEN/NOTIFY);
 *  2. 1,000 resources submitted at once (two-step test workflow, 5 ms per step):
 *     wall time to all active, store operations per resource, peak RSS.
 * PostgreSQL parts need DATABASE_URL (scripts/bench.sh starts a server).
 */
import { randomBytes } from 'node:crypto';
import { aesGcmEncrypter, createEngine, createOrchestrator, type Store } from '@innominatus/core';
import { createPostgresStore, createSqliteStore } from '../src/index';
import { onPostgresDatabase, onSqliteFile } from './lib/bench-databases';
import { countingFixture } from '../test/fixtures/counting-workflow';

const key = aesGcmEncrypter(randomBytes(32));
const DETECTIONS = 200;
const BULK = 1_000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Counts every store call made through it. */
function counting(store: Store): { store: Store; calls: () => number } {
  let calls = 0;
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function' || prop === 'onWork' || prop === 'close') return typeof v === 'function' ? v.bind(target) : v;
      return (...args: unknown[]) => {
        calls++;
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: proxy, calls: () => calls };
}

async function detection(label: string, store: Store, requester: Store | undefined): Promise<void> {
  const f = countingFixture();
  const engine = createEngine({ steps: f.steps, journal: store, encrypter: key, defaultRetry: { attempts: 1 } });
  const o = createOrchestrator({ store, engine, registry: f.registry, pollIntervalMs: 5_000 });
  o.start();
  await new Promise((r) => setTimeout(r, 200));
  const latencies: number[] = [];
  for (let i = 0; i < DETECTIONS + 10; i++) {
    const started = new Promise<number>((resolve) => o.events.once('run:started', () => resolve(performance.now())));
    const t0 = performance.now();
    const request = { application: 'bench', name: `${label}-${i}`, type: 'thing', properties: { size: 'S' } };
    if (requester) await requester.createResource(request);
    else await o.submit(request);
    const ms = (await started) - t0;
    if (i >= 10) latencies.push(ms);
  }
  await o.stop({ graceMs: 5_000 });
  latencies.sort((a, b) => a - b);
  console.log(
    `detection ${label.padEnd(22)} n=${DETECTIONS} p50=${percentile(latencies, 50).toFixed(2)} ms p95=${percentile(latencies, 95).toFixed(2)} ms max=${latencies.at(-1)!.toFixed(2)} ms (poll 5000 ms)`,
  );
}

async function bulk(label: string, raw: Store, replicas = 1, extra?: Store): Promise<void> {
  const f = countingFixture();
  const handles = [raw, ...(extra ? [extra] : [])].slice(0, replicas);
  const counted = handles.map((h) => counting(h));
  const orchestrators = counted.map((c, i) =>
    createOrchestrator({
      store: c.store,
      engine: createEngine({ steps: f.steps, journal: c.store, encrypter: key, defaultRetry: { attempts: 1 } }),
      registry: f.registry,
      owner: `bench-${i}`,
      pollIntervalMs: 5_000,
      concurrency: 100,
      batchSize: 50,
    }),
  );
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  for (const o of orchestrators) o.start();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: BULK }, (_, i) =>
      orchestrators[i % orchestrators.length]!.submit({ application: `bulk-${label}`, name: `${label}-${i}`, type: 'thing', properties: { size: 'S' } }),
    ),
  );
  for (;;) {
    if ((await raw.listResources({ application: `bulk-${label}`, state: 'active', limit: 10_000 })).length === BULK) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const wall = performance.now() - t0;
  clearInterval(sampler);
  for (const o of orchestrators) await o.stop({ graceMs: 5_000 });
  const ops = counted.reduce((n, c) => n + c.calls(), 0);
  console.log(
    `bulk ${label.padEnd(27)} ${BULK} resources, ${replicas} replica(s): all active in ${(wall / 1000).toFixed(2)} s (${(BULK / (wall / 1000)).toFixed(0)}/s), store operations per resource ${(ops / BULK).toFixed(1)}, peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB`,
  );
}

async function main(): Promise<void> {
  await onSqliteFile('orch-bench', async (filename) => {
    const sqlite = await createSqliteStore({ filename, encrypter: key });
    await detection('sqlite', sqlite, undefined);
    await bulk('sqlite', sqlite);
    await sqlite.close();
  });
  await onPostgresDatabase('bench', async (url) => {
    const a = await createPostgresStore({ connectionString: url, poolSize: 10, encrypter: key });
    const b = await createPostgresStore({ connectionString: url, poolSize: 10, encrypter: key });
    await detection('postgres', a, undefined);
    await detection('postgres cross-replica', a, b);
    await bulk('postgres', a);
    await bulk('postgres-2', a, 2, b);
    await a.close();
    await b.close();
  });
}

await main();
