import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, oneDatabaseSpec, resourceInState, startHost, until, type E2eHost } from './support/e2e-host';

// The mock cluster serves from this process: kubectl must run asynchronously.
const run = promisify(execFile);

describe('the reference host over HTTP: operator failures, retry, and kubectl', () => {
  let e2e: E2eHost;
  beforeAll(async () => {
    // `flaky-app-db` and `fix-app-db` fail to create; the operator's next periodic sync makes them Running. The
    // tests run that sync (`resync`) once the failure is seen, so it never races the host's wait for the status.
    e2e = await startHost({
      simulation: { scripts: { 'flaky-app-db': { create: 'CreateFailedThenRunning' }, 'fix-app-db': { create: 'CreateFailedThenRunning' } } },
    });
  });
  afterAll(() => e2e?.close());

  it('an operator failure fails the resource; a retry resumes it to active', async () => {
    const id = (await call(e2e.url, 'POST', '/api/specs', { body: oneDatabaseSpec('flaky-app') })).json.changes[0].id;
    const failed = await resourceInState(e2e.url, id, 'failed');
    expect(failed.error.message).toContain('CreateFailed');
    expect(failed.run.steps.map((s: { name: string; status: string }) => [s.name, s.status])).toEqual([
      ['create-postgres-cluster', 'succeeded'],
      ['wait-for-database', 'failed'],
    ]);
    const unresolved = await call(e2e.url, 'GET', '/api/specs/flaky-app/resolved');
    expect(unresolved.status).toBe(409);
    expect(unresolved.json.error.code).toBe('PLACEHOLDER_NOT_READY');

    // The operator's sync repairs the cluster; then retry by hand.
    const cluster = e2e.host.simulation!.cluster;
    const ref = { apiVersion: 'acid.zalan.do/v1', kind: 'postgresql', name: 'flaky-app-db', namespace: 'flaky-app' };
    expect((cluster.get(ref) as any).status.PostgresClusterStatus).toBe('CreateFailed');
    e2e.host.simulation!.operator.resync();
    await until('the operator to repair the cluster', async () => (cluster.get(ref) as any)?.status?.PostgresClusterStatus === 'Running');
    const applies = cluster.countRequests({ method: 'PATCH', path: /\/postgresqls\/flaky-app-db$/ });
    const retry = await call(e2e.url, 'POST', `/api/resources/${id}/retry`);
    expect(retry.status).toBe(202);
    const active = await resourceInState(e2e.url, id, 'active');
    expect(active.history.map((h: { to: string }) => h.to)).toEqual(['requested', 'provisioning', 'failed', 'provisioning', 'active']);
    // The failed wait names the apply in resumeFrom: the retry applied the cluster object once more (an unchanged apply: same generation) and waited again.
    expect(cluster.countRequests({ method: 'PATCH', path: /\/postgresqls\/flaky-app-db$/ })).toBe(applies + 1);
    expect((cluster.get(ref) as any).metadata.generation).toBe(1);
    const resolved = await call(e2e.url, 'GET', '/api/specs/flaky-app/resolved');
    expect(resolved.json.containers.main.variables).toEqual({ DB_HOST: 'flaky-app-db.flaky-app.svc.cluster.local' });
  });

  it('a failed create is listed as failed, and a spec with corrected params creates it again', async () => {
    const first = await call(e2e.url, 'POST', '/api/specs', { body: oneDatabaseSpec('fix-app', 'small') });
    const id = first.json.changes[0].id;
    await resourceInState(e2e.url, id, 'failed');
    const same = await call(e2e.url, 'POST', '/api/specs', { body: oneDatabaseSpec('fix-app', 'small') });
    expect(same.status).toBe(202);
    expect(same.json.unchanged).toEqual([]);
    expect(same.json.failed).toEqual([
      { name: 'db', id, operation: 'create', error: { code: 'STEP_FAILED', message: expect.stringContaining('CreateFailed') } },
    ]);
    const bad = await call(e2e.url, 'POST', '/api/specs', { body: oneDatabaseSpec('fix-app', 'huge') });
    expect(bad.status).toBe(422);
    expect(bad.json.error.issues.map((i: { field: string }) => i.field)).toEqual(['resources.db.params.size']);
    // The operator's next sync repairs the cluster; the corrected create then applies the new size and finds it running.
    const cluster = e2e.host.simulation!.cluster;
    const ref = { apiVersion: 'acid.zalan.do/v1', kind: 'postgresql', name: 'fix-app-db', namespace: 'fix-app' };
    expect((cluster.get(ref) as any).status.PostgresClusterStatus).toBe('CreateFailed');
    e2e.host.simulation!.operator.resync();
    await until('the operator to repair the cluster', async () => (cluster.get(ref) as any)?.status?.PostgresClusterStatus === 'Running');
    const fixed = await call(e2e.url, 'POST', '/api/specs', { body: oneDatabaseSpec('fix-app', 'medium') });
    expect(fixed.status).toBe(202);
    expect(fixed.json.changes).toEqual([{ action: 'update', name: 'db', type: 'postgres', reason: 'params changed: size', id, state: 'provisioning' }]);
    const active = await resourceInState(e2e.url, id, 'active');
    expect(active.properties).toEqual({ size: 'medium' });
    expect(active.history.map((h: { to: string }) => h.to)).toEqual(['requested', 'provisioning', 'failed', 'provisioning', 'active']);
  }, 30_000);

  it('retrying a resource that has not failed is a 409', async () => {
    const id = (await call(e2e.url, 'POST', '/api/specs', { body: oneDatabaseSpec('steady-app') })).json.changes[0].id;
    await resourceInState(e2e.url, id, 'active');
    const res = await call(e2e.url, 'POST', `/api/resources/${id}/retry`);
    expect(res.status).toBe(409);
    expect(res.json.error.message).toContain('active');
  });

  it('kubectl sees the simulated cluster objects', async () => {
    const server = e2e.host.simulation!.server;
    const kubeconfig = join(e2e.dir, 'kubeconfig');
    writeFileSync(kubeconfig, server.kubeconfigText);
    const expected = ['fix-app-db', 'flaky-app-db', 'steady-app-db'];
    if (existsSync('/usr/bin/kubectl')) {
      // One kubectl for both kinds (each run starts kubectl and reads the API server's discovery again).
      const out = (
        await run('/usr/bin/kubectl', ['--kubeconfig', kubeconfig, 'get', 'postgresqls.acid.zalan.do,secrets', '-A', '-o', 'json'], { timeout: 20_000 })
      ).stdout;
      type Item = { kind: string; metadata: { name: string; namespace: string }; status?: { PostgresClusterStatus: string } };
      const items = (JSON.parse(out) as { items: Item[] }).items;
      const clusters = items.filter((i) => i.kind === 'postgresql');
      expect(clusters.map((i) => [i.metadata.name, i.status?.PostgresClusterStatus]).sort()).toEqual(expected.map((n) => [n, 'Running']));
      const secrets = items.filter((i) => i.kind === 'Secret' && i.metadata.namespace === 'steady-app').map((i) => `secret/${i.metadata.name}`);
      expect(secrets).toContain('secret/db-app.steady-app-db.credentials.postgresql.acid.zalan.do');
    } else {
      // Without kubectl, ask the API server the same question kubectl would.
      const res = await fetch(`${server.url}/apis/acid.zalan.do/v1/postgresqls`);
      const items = ((await res.json()) as { items: { metadata: { name: string } }[] }).items;
      expect(items.map((i) => i.metadata.name).sort()).toEqual(expected);
    }
  });
});
