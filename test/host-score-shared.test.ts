import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, resourceInState, startHost, until, type E2eHost } from './support/e2e-host';

/** A workload `name` whose `db` is the shared postgres resource `orders-db`. */
const spec = (name: string) => `apiVersion: score.dev/v1b1
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
`;

const CLUSTER = { apiVersion: 'acid.zalan.do/v1', kind: 'postgresql', name: 'shared-orders-db', namespace: 'shared' };

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
      expect(resolved.json.containers.app.variables).toEqual({ PGHOST: 'shared-orders-db.shared.svc.cluster.local', PGDATABASE: 'orders_db' });
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
