import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockCluster, postgresqlCrd, zalandoPostgresOperator, type MockCluster, type MockClusterServer } from '@innominatus/steps-kubernetes/testing';
import { ADMIN_TOKEN, call, configText, resourceInState, until } from './support/host-api';
import { spawnHost, type HostProcess } from './support/host-process';

const SPEC = `apiVersion: score.dev/v1b1
metadata:
  name: crash-app
containers:
  main:
    image: app:1
    variables:
      DATABASE_URL: \${resources.db.connection_string}
resources:
  db:
    type: postgres
`;

describe('the reference host as a process: killed mid-provisioning, the next start finishes the work', () => {
  let dir: string;
  let cluster: MockCluster;
  let server: MockClusterServer;
  let configFile: string;
  const hosts: HostProcess[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'innominatus-restart-'));
    // The cluster outlives the host, as a real one would. Its operator is not running yet: the first host's
    // database stays without a status, so that host is surely killed while it waits for it.
    cluster = createMockCluster({ autoCreateNamespaces: true });
    cluster.installCrds(postgresqlCrd());
    server = await cluster.listen();
    writeFileSync(join(dir, 'kubeconfig'), server.kubeconfigText);
    configFile = join(dir, 'config.yaml');
    writeFileSync(
      configFile,
      configText({
        store: `sqlite:${join(dir, 'host.db')}`,
        kubernetes: `{ mode: kubeconfig, kubeconfig: "${join(dir, 'kubeconfig')}" }`,
        // A lease far longer than the test: the restarted host (same instance id: same host name and database file) takes its own leases back at once.
        lease: '10m',
        pollInterval: '500ms',
      }),
    );
  });
  afterAll(async () => {
    for (const h of hosts) await h.stop('SIGKILL');
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('SIGKILL while waiting for the database; after a restart the resource ends active, the cluster applied once', async () => {
    const first = await spawnHost(configFile);
    hosts.push(first);
    const id = (await call(first.url, 'POST', '/api/specs', { body: SPEC })).json.changes[0].id;
    await until('the run to wait for the database', async () => {
      const r = (await call(first.url, 'GET', `/api/resources/${id}`)).json;
      return r.state === 'provisioning' && r.run?.steps.some((s: { name: string; status: string }) => s.name === 'wait-for-database' && s.status === 'started');
    });
    expect(await first.stop('SIGKILL')).toBe('SIGKILL');
    // The operator starts now and takes up the database the killed host created.
    zalandoPostgresOperator(cluster, { pickupDelayMs: 50, createDelayMs: 50 });

    const second = await spawnHost(configFile);
    hosts.push(second);
    const r = await resourceInState(second.url, id, 'active', 30_000);
    expect(r.history.map((h: { to: string }) => h.to)).toEqual(['requested', 'provisioning', 'active']);
    expect(r.outputs.password).toBe('***');
    expect(cluster.countRequests({ method: 'PATCH', path: /\/namespaces\/crash-app\/postgresqls\/crash-app-db$/ })).toBe(1);
    // The key file beside the SQLite database let the new process decrypt what the old one stored.
    const secret = cluster.get({ apiVersion: 'v1', kind: 'Secret', name: 'db-app.crash-app-db.credentials.postgresql.acid.zalan.do', namespace: 'crash-app' });
    const password = Buffer.from((secret as unknown as { data: { password: string } }).data.password, 'base64').toString('utf8');
    const revealed = await call(second.url, 'GET', '/api/specs/crash-app/resolved?reveal=true', { token: ADMIN_TOKEN });
    expect(revealed.json.containers.main.variables.DATABASE_URL).toBe(
      `postgresql://db_app:${password}@crash-app-db.crash-app.svc.cluster.local:5432/db?sslmode=require`,
    );
    expect(r.run.steps.map((s: { name: string; status: string }) => [s.name, s.status])).toEqual([
      ['create-postgres-cluster', 'succeeded'],
      ['wait-for-database', 'succeeded'],
      ['get-credentials', 'succeeded'],
    ]);
  }, 90_000);

  it('SIGTERM stops the host gracefully with exit code 0', async () => {
    const host = hosts.at(-1)!;
    expect(await host.stop('SIGTERM')).toBe(0);
    expect(host.stderr()).toContain('SIGTERM: stopping');
  }, 30_000);
});
