import { aesGcmEncrypter, createEngine, createOrchestrator, type Orchestrator, type ResourceRecord, type Store } from '@innominatus/core';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createPostgresStore } from '../src/index';
import { countingFixture } from './fixtures/counting-workflow';
import { createTestDatabase, databaseUrl, rawPostgresText } from '@innominatus/store-sql/testing';

databaseUrl();

const key = aesGcmEncrypter(Buffer.alloc(32, 5));
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups.length = 0;
});

async function replica(url: string, fixture: ReturnType<typeof countingFixture>, owner: string, poolSize = 10): Promise<{ store: Store; o: Orchestrator }> {
  const store = await createPostgresStore({ connectionString: url, poolSize, encrypter: key });
  const engine = createEngine({ steps: fixture.steps, journal: store, encrypter: key, defaultRetry: { attempts: 1 } });
  const o = createOrchestrator({ store, engine, registry: fixture.registry, owner, pollIntervalMs: 5_000, leaseMs: 30_000, concurrency: 50, batchSize: 25 });
  cleanups.push(async () => {
    await o.stop({ graceMs: 0 });
    await store.close();
  });
  return { store, o };
}

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('orchestrators on PostgreSQL', () => {
  it('two orchestrators serve 300 resources submitted at once: all active, exactly one run per resource and operation', async () => {
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    const fixture = countingFixture();
    const a = await replica(db.url, fixture, 'replica-a');
    const b = await replica(db.url, fixture, 'replica-b');
    const served = { 'replica-a': 0, 'replica-b': 0 };
    a.o.events.on('run:started', () => served['replica-a']++);
    b.o.events.on('run:started', () => served['replica-b']++);
    a.o.start();
    b.o.start();
    const submitted: ResourceRecord[] = await Promise.all(
      Array.from({ length: 300 }, (_, i) => (i % 2 ? a.o : b.o).submit({ application: 'shop', name: `db-${i}`, type: 'thing', properties: { size: `S${i}` } })),
    );
    await until('all 300 active', async () => (await a.store.listResources({ state: 'active', limit: 1000 })).length === 300);

    for (const r of await a.store.listResources({ limit: 1000 })) {
      expect(r.state).toBe('active');
      expect(r.outputs?.size).toBe(`S${r.name.slice(3)}`);
    }
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const runs = (await c.query('SELECT run_id, status, attempt FROM runs ORDER BY run_id')).rows;
    const steps = (await c.query("SELECT count(*)::int AS n FROM run_steps WHERE status = 'succeeded'")).rows[0].n;
    await c.end();
    expect(runs).toEqual(submitted.map((r) => ({ run_id: `${r.id}:create:1`, status: 'succeeded', attempt: 1 })).sort((x, y) => (x.run_id < y.run_id ? -1 : 1)));
    expect(steps).toBe(600);
    expect(fixture.executions.size).toBe(600);
    expect([...fixture.executions.values()].every((n) => n === 1)).toBe(true);
    expect(served['replica-a'] + served['replica-b']).toBe(300);
    // Both replicas took part (each is woken by its own submits and by the other's NOTIFY).
    expect(Math.min(served['replica-a'], served['replica-b'])).toBeGreaterThan(0);
    expect(await rawPostgresText(db.url)).not.toContain('tok-SECRET');
  }, 120_000);

  it('wakes a replica through LISTEN/NOTIFY: a request made elsewhere starts its workflow within 100 ms despite a 5 s poll', async () => {
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    const fixture = countingFixture();
    const worker = await replica(db.url, fixture, 'worker');
    const api = await createPostgresStore({ connectionString: db.url, poolSize: 2, encrypter: key });
    cleanups.push(() => api.close());
    worker.o.start();
    await new Promise((r) => setTimeout(r, 200));
    const latencies: number[] = [];
    // Request 0 warms up (the first run compiles the workflow); the rest measure detection.
    for (let i = 0; i < 6; i++) {
      const started = new Promise<number>((resolve) => worker.o.events.once('run:started', () => resolve(performance.now())));
      const t0 = performance.now();
      await api.createResource({ application: 'shop', name: `remote-${i}`, type: 'thing', properties: { size: 'S' } });
      latencies.push((await started) - t0);
    }
    for (const ms of latencies.slice(1)) expect(ms).toBeLessThan(100);
  });

  it('runs update and delete flows and keeps sealed outputs out of the raw rows', async () => {
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    const fixture = countingFixture();
    const { store, o } = await replica(db.url, fixture, 'solo');
    o.start();
    const { id } = await o.submit({ application: 'shop', name: 'db', type: 'thing', properties: { size: 'S' } });
    const settled = (state: string) => until(`${state}`, async () => {
      const r = await store.getResource(id);
      return r?.state === state && !r.pendingOperation ? r : undefined;
    });
    await settled('active');
    await o.update(id, { size: 'XL' });
    expect((await settled('active')).outputs?.size).toBe('XL');
    await o.delete(id);
    await settled('terminated');
    expect((await store.listTransitions(id)).map((t) => t.to)).toEqual(['requested', 'provisioning', 'active', 'updating', 'active', 'terminating', 'terminated']);
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    expect((await c.query('SELECT run_id FROM runs ORDER BY created_at')).rows.map((r) => r.run_id)).toEqual([`${id}:create:1`, `${id}:update:2`, `${id}:delete:3`]);
    await c.end();
    expect(await rawPostgresText(db.url)).not.toContain('tok-SECRET');
  });
});
