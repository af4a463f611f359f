import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from '@innominatus/store-sql';
import { call, resourceInState, startHost, until, type E2eHost } from './support/e2e-host';

/** A workload `name` whose `db` is the shared postgres resource `orders-db`. */
const spec = (name: string, extra = '') => `apiVersion: score.dev/v1b1
metadata:
  name: ${name}
containers:
  app:
    image: ghcr.io/example/${name}:1
    variables:
      PGHOST: \${resources.db.host}
      PGDATABASE: \${resources.db.database}
resources:
  db:
    type: postgres
    id: orders-db
${extra}`;

const CLUSTER = { apiVersion: 'acid.zalan.do/v1', kind: 'postgresql', name: 'shared-postgres-orders-db', namespace: 'shared' };

describe('the reference host over HTTP: a postgres resource shared by two workloads', () => {
  let e2e: E2eHost;
  beforeAll(async () => {
    e2e = await startHost();
  });
  afterAll(() => e2e?.close());

  it('provisions one cluster for both, keeps it while one is deleted, and deletes it with the last', async () => {
    const first = await call(e2e.url, 'POST', '/api/specs', { body: spec('orders') });
    expect(first.status).toBe(202);
    const id = first.json.changes[0].id;
    const second = await call(e2e.url, 'POST', '/api/specs', { body: spec('invoices') });
    expect(second.json).toMatchObject({ changes: [], unchanged: ['db'] });
    await resourceInState(e2e.url, id, 'active');
    expect(e2e.host.simulation!.cluster.get(CLUSTER)).toBeDefined();

    for (const name of ['orders', 'invoices']) {
      const resolved = await call(e2e.url, 'GET', `/api/specs/${name}/resolved`);
      expect(resolved.json.containers.app.variables).toEqual({
        PGHOST: 'shared-postgres-orders-db.shared.svc.cluster.local',
        PGDATABASE: 'postgres_orders_db',
      });
    }
    const all = await call(e2e.url, 'GET', '/api/resources');
    expect(all.json.resources.map((r: { id: string }) => r.id)).toEqual([id]);

    expect((await call(e2e.url, 'DELETE', '/api/specs/orders')).json).toMatchObject({ changes: [], unchanged: ['db'] });
    expect((await call(e2e.url, 'GET', `/api/resources/${id}`)).json.state).toBe('active');

    expect((await call(e2e.url, 'DELETE', '/api/specs/invoices')).json).toMatchObject({ changes: [{ action: 'delete', name: 'db', id }] });
    await resourceInState(e2e.url, id, 'terminated');
    await until('the cluster to be gone', async () => e2e.host.simulation!.cluster.get(CLUSTER) === undefined);
  });
});

describe('the reference host upgraded from a store where a shared resource is resource <id> of application shared', () => {
  let e2e: E2eHost;
  let legacyId: string;
  const LEGACY = { ...CLUSTER, name: 'shared-orders-db' };
  beforeAll(async () => {
    // What a host before the index left: the shared resource under its id, and the specs declaring it, with no index.
    const dir = mkdtempSync(join(tmpdir(), 'innominatus-e2e-'));
    const store = await createSqliteStore({ filename: join(dir, 'host.db') });
    legacyId = (await store.createResource({ application: 'shared', name: 'orders-db', type: 'postgres', properties: {} })).id;
    const declaring = (name: string) => ({
      apiVersion: 'score.dev/v1b1',
      metadata: { name },
      containers: { app: { image: `ghcr.io/example/${name}:1`, variables: { PGHOST: '${resources.db.host}' } } },
      resources: { db: { type: 'postgres', id: 'orders-db' } },
    });
    await store.transaction('orders', async (tx) => {
      for (const name of ['orders', 'invoices']) await tx.putSpec({ name, spec: declaring(name), submittedAt: '2026-01-01T00:00:00.000Z' });
    });
    await store.close();
    e2e = await startHost({ dir });
  });
  afterAll(() => e2e?.close());

  it('keeps the shared resource under its name: read, linked and deleted with the last application declaring it', async () => {
    expect(e2e.logs.join('')).toContain('the index of shared resources was built (1 shared resources)');
    await resourceInState(e2e.url, legacyId, 'active');
    expect(e2e.host.simulation!.cluster.get(LEGACY)).toBeDefined();
    for (const name of ['orders', 'invoices']) {
      const resolved = await call(e2e.url, 'GET', `/api/specs/${name}/resolved`);
      expect(resolved.json.containers.app.variables).toEqual({ PGHOST: 'shared-orders-db.shared.svc.cluster.local' });
    }
    // A third workload links to it.
    expect((await call(e2e.url, 'POST', '/api/specs', { body: spec('billing') })).json).toMatchObject({ changes: [], unchanged: ['db'] });
    const apps = (await call(e2e.url, 'GET', '/api/applications')).json.applications;
    expect(apps.map((a: { name: string; resources: { id: string }[] }) => [a.name, a.resources.map((r) => r.id)])).toEqual([
      ['billing', [legacyId]],
      ['invoices', [legacyId]],
      ['orders', [legacyId]],
      ['shared', [legacyId]],
    ]);
    for (const name of ['orders', 'invoices']) {
      expect((await call(e2e.url, 'DELETE', `/api/specs/${name}`)).json).toMatchObject({ changes: [], unchanged: ['db'] });
    }
    expect((await call(e2e.url, 'DELETE', '/api/specs/billing')).json).toMatchObject({ changes: [{ action: 'delete', name: 'db', id: legacyId }] });
    await resourceInState(e2e.url, legacyId, 'terminated');
    await until('the cluster to be gone', async () => e2e.host.simulation!.cluster.get(LEGACY) === undefined);
  });
});
