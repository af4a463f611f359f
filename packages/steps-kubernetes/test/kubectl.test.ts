import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createMockCluster, zalandoPostgresOperator, type MockCluster } from '@innominatus/steps-kubernetes/testing';
import { until } from './harness';

const run = promisify(execFile);
const KUBECTL = '/usr/bin/kubectl';

/** kubectl against listen(); where kubectl is not installed, the same requests it makes are checked over plain HTTP instead. */
describe('kubectl against cluster.listen()', () => {
  let cluster: MockCluster;
  let dir: string | undefined;
  afterEach(async () => {
    await cluster.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists postgresqls in all namespaces, gets one by short name, and applies server-side', async () => {
    cluster = createMockCluster({ namespaces: ['apps', 'other'] });
    const op = zalandoPostgresOperator(cluster, { pickupDelayMs: 1, createDelayMs: 1 });
    for (const [ns, name] of [['apps', 'team-a'], ['other', 'team-b']]) {
      cluster.apply({ apiVersion: 'acid.zalan.do/v1', kind: 'postgresql', metadata: { name, namespace: ns }, spec: { teamId: 'team', numberOfInstances: 1, postgresql: { version: '17' }, volume: { size: '1Gi' } } });
    }
    await until(() => op.transitions.filter((t) => t.status === 'Running').length === 2);
    const server = await cluster.listen();
    if (!existsSync(KUBECTL)) {
      for (const path of ['/version', '/api', '/apis', '/api/v1', '/apis/acid.zalan.do/v1']) expect((await fetch(server.url + path)).status).toBe(200);
      const list = (await (await fetch(`${server.url}/apis/acid.zalan.do/v1/postgresqls`)).json()) as { items: { metadata: { name: string } }[] };
      expect(list.items.map((i) => i.metadata.name)).toEqual(['team-a', 'team-b']);
      return;
    }
    const all = await run(KUBECTL, ['--server', server.url, 'get', 'postgresqls', '-A']);
    expect(all.stdout.trim().split('\n').map((l) => l.split(/\s+/).slice(0, 3).join(' '))).toEqual([
      'NAMESPACE NAME STATUS', 'apps team-a Running', 'other team-b Running',
    ]);
    const one = await run(KUBECTL, ['--server', server.url, '-n', 'apps', 'get', 'pg', 'team-a', '-o', 'jsonpath={.status.PostgresClusterStatus}']);
    expect(one.stdout).toBe('Running');
    dir = mkdtempSync(join(tmpdir(), 'kubectl-'));
    const kubeconfig = join(dir, 'config');
    writeFileSync(kubeconfig, server.kubeconfigText);
    writeFileSync(join(dir, 'cm.json'), JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'from-kubectl', namespace: 'apps' }, data: { a: 'b' } }));
    const applied = await run(KUBECTL, ['--kubeconfig', kubeconfig, 'apply', '--server-side', '--validate=false', '-f', join(dir, 'cm.json')]);
    expect(applied.stdout.trim()).toBe('configmap/from-kubectl serverside-applied');
    expect(cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'from-kubectl', namespace: 'apps' })?.data).toEqual({ a: 'b' });
    const secrets = await run(KUBECTL, ['--kubeconfig', kubeconfig, 'get', 'secrets', '-n', 'apps', '-l', 'cluster-name=team-a', '-o', 'name']);
    expect(secrets.stdout.trim().split('\n').sort()).toEqual([
      'secret/postgres.team-a.credentials.postgresql.acid.zalan.do', 'secret/standby.team-a.credentials.postgresql.acid.zalan.do',
    ]);
  });
});
