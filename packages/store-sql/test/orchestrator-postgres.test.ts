import { aesGcmEncrypter, createEngine, createOrchestrator, type Orchestrator, type ResourceRecord, type Store } from '@innominatus/core';
import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFakeClock } from '@innominatus/core/testing';
import type { Clock } from '@innominatus/core';
import { createPostgresStore } from '../src/index';
import { countingFixture } from './fixtures/counting-workflow';
import { waitFor } from './fixtures/wait-for';
import { createTestDatabase, databaseUrl, rawPostgresText } from '@innominatus/store-sql/testing';

databaseUrl();

const key = aesGcmEncrypter(Buffer.alloc(32, 5));
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups.length = 0;
});

async function replica(
  url: string,
  fixture: ReturnType<typeof countingFixture>,
  owner: string,
  poolSize = 10,
  clock?: Clock,
): Promise<{ store: Store; o: Orchestrator }> {
  const store = await createPostgresStore({ connectionString: url, poolSize, encrypter: key });
  const engine = createEngine({ steps: fixture.steps, journal: store, encrypter: key, defaultRetry: { attempts: 1 } });
  const o = createOrchestrator({
    store,
    engine,
    registry: fixture.registry,
    owner,
    pollIntervalMs: 5_000,
    leaseMs: 30_000,
    concurrency: 50,
    batchSize: 25,
    ...(clock ? { clock } : {}),
  });
  cleanups.push(async () => {
    await o.stop({ graceMs: 0 });
    await store.close();
  });
  return { store, o };
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
    // Counts the replicas' transitions to active, not by listing the 300 rows again and again: the store is read once they are all active.
    const active = new Set<string>();
    for (const { o } of [a, b]) o.events.on('resource:transition', (e) => e.to === 'active' && active.add(e.resourceId));
    a.o.start();
    b.o.start();
    const submitted: ResourceRecord[] = await Promise.all(
      Array.from({ length: 300 }, (_, i) => (i % 2 ? a.o : b.o).submit({ application: 'shop', name: `db-${i}`, type: 'thing', properties: { size: `S${i}` } })),
    );
    // On a time-out this says how many became active.
    await vi.waitFor(() => expect(active.size).toBe(300), { timeout: 100_000, interval: 20 });

    expect(await a.store.listResources({ state: 'active', limit: 1000 })).toHaveLength(300);
    for (const r of await a.store.listResources({ limit: 1000 })) {
      expect(r.state).toBe('active');
      expect(r.outputs?.size).toBe(`S${r.name.slice(3)}`);
    }
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const runs = (await c.query('SELECT run_id, status, attempt FROM runs ORDER BY run_id')).rows;
    const steps = (await c.query("SELECT count(*)::int AS n FROM run_steps WHERE status = 'succeeded'")).rows[0].n;
    await c.end();
    expect(runs).toEqual(
      submitted.map((r) => ({ run_id: `${r.id}:create:1`, status: 'succeeded', attempt: 1 })).sort((x, y) => (x.run_id < y.run_id ? -1 : 1)),
    );
    expect(steps).toBe(600);
    expect(fixture.executions.size).toBe(600);
    expect([...fixture.executions.values()].every((n) => n === 1)).toBe(true);
    expect(served['replica-a'] + served['replica-b']).toBe(300);
    // Both replicas took part (each is woken by its own submits and by the other's NOTIFY).
    expect(Math.min(served['replica-a'], served['replica-b'])).toBeGreaterThan(0);
    expect(await rawPostgresText(db.url)).not.toContain('tok-SECRET');
  }, 120_000);

  it('wakes a replica through LISTEN/NOTIFY: a request made elsewhere starts its workflow though its clock never reaches the poll', async () => {
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    const fixture = countingFixture();
    const clock = createFakeClock();
    const worker = await replica(db.url, fixture, 'worker', 10, clock);
    const api = await createPostgresStore({ connectionString: db.url, poolSize: 2, encrypter: key });
    cleanups.push(() => api.close());
    const started: string[] = [];
    worker.o.events.on('run:started', (e) => started.push(e.resourceId));
    worker.o.start();
    // The worker's first claim finds nothing; from then on only a NOTIFY can wake it.
    await clock.settle();
    for (let i = 0; i < 3; i++) {
      const r = await api.createResource({ application: 'shop', name: `remote-${i}`, type: 'thing', properties: { size: 'S' } });
      await vi.waitFor(() => expect(started).toContain(r.id), { timeout: 10_000, interval: 10 });
    }
    expect(started).toHaveLength(3);
    expect(clock.now()).toBe(Date.UTC(2026, 0, 1));
  });

  it('runs update and delete flows and keeps sealed outputs out of the raw rows', async () => {
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    const fixture = countingFixture();
    const { store, o } = await replica(db.url, fixture, 'solo');
    o.start();
    const { id } = await o.submit({ application: 'shop', name: 'db', type: 'thing', properties: { size: 'S' } });
    const settled = (state: string) =>
      waitFor(`${state}`, async () => {
        const r = await store.getResource(id);
        return r?.state === state && !r.pendingOperation ? r : undefined;
      });
    await settled('active');
    await o.update(id, { size: 'XL' });
    expect((await settled('active')).outputs?.size).toBe('XL');
    await o.delete(id);
    await settled('terminated');
    expect((await store.listTransitions(id)).map((t) => t.to)).toEqual([
      'requested',
      'provisioning',
      'active',
      'updating',
      'active',
      'terminating',
      'terminated',
    ]);
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    expect((await c.query('SELECT run_id FROM runs ORDER BY created_at')).rows.map((r) => r.run_id)).toEqual([
      `${id}:create:1`,
      `${id}:update:2`,
      `${id}:delete:3`,
    ]);
    await c.end();
    expect(await rawPostgresText(db.url)).not.toContain('tok-SECRET');
  });
});
