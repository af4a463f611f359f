import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHost, loadConfig, type Host } from '@innominatus/reference-host';
import { createMockCluster, zalandoPostgresOperator, type MockCluster, type MockClusterServer } from '@innominatus/steps-kubernetes/testing';
import { call, configText, oneDatabaseSpec, resourceInState } from './support/e2e-host';
import { freshDatabase } from './support/pg-database';

describe('two hosts on one PostgreSQL database share the work', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let cluster: MockCluster;
  let server: MockClusterServer;
  let dir: string;
  const hosts: { host: Host; url: string; logs: string[] }[] = [];

  beforeAll(async () => {
    db = await freshDatabase();
    dir = mkdtempSync(join(tmpdir(), 'innominatus-replicas-'));
    cluster = createMockCluster({ autoCreateNamespaces: true });
    zalandoPostgresOperator(cluster, { pickupDelayMs: 20, createDelayMs: 200 });
    server = await cluster.listen();
    writeFileSync(join(dir, 'kubeconfig'), server.kubeconfigText);
    const key = randomBytes(32).toString('hex');
    for (let i = 0; i < 2; i++) {
      const logs: string[] = [];
      const config = loadConfig({
        text: configText({ store: db.url, kubernetes: `{ mode: kubeconfig, kubeconfig: "${join(dir, 'kubeconfig')}" }` }),
        env: { INNOMINATUS_ENCRYPTION_KEY: key },
      });
      const host = await createHost({
        config,
        logDestination: new Writable({
          write(c, _e, cb) {
            logs.push(c.toString());
            cb();
          },
        }),
      });
      hosts.push({ host, url: await host.listen(), logs });
    }
  });
  afterAll(async () => {
    for (const h of hosts) await h.host.close({ graceMs: 1000 });
    await server?.close();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('specs submitted to either replica are provisioned once and visible from both', async () => {
    const apps = ['rep-a', 'rep-b', 'rep-c', 'rep-d', 'rep-e', 'rep-f'];
    const ids = await Promise.all(
      apps.map(async (app, i) => {
        const res = await call(hosts[i % 2]!.url, 'POST', '/api/specs', { body: oneDatabaseSpec(app) });
        expect(res.status).toBe(202);
        return res.json.changes[0].id as string;
      }),
    );
    for (const [i, id] of ids.entries()) {
      // Each replica reads what the other stored, sensitive outputs included (same key).
      const r = await resourceInState(hosts[(i + 1) % 2]!.url, id, 'active');
      expect(r.outputs.host).toBe(`${apps[i]}-db.${apps[i]}.svc.cluster.local`);
      expect(r.outputs.password).toBe('***');
    }
    for (const app of apps) {
      expect(cluster.countRequests({ method: 'PATCH', path: new RegExp(`/namespaces/${app}/postgresqls/${app}-db$`) })).toBe(1);
      const resolved = await call(hosts[1]!.url, 'GET', `/api/specs/${app}/resolved`);
      expect(resolved.json.containers.main.variables).toEqual({ DB_HOST: `${app}-db.${app}.svc.cluster.local` });
    }
    const startedBy = hosts.map((h) => h.logs.join('').split('-> provisioning').length - 1);
    expect(startedBy[0]! + startedBy[1]!).toBe(apps.length);
  }, 60_000);
});
