import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { createMockCluster, zalandoPostgresOperator, type MockCluster, type MockObject } from '@innominatus/steps-kubernetes/testing';
import { until } from './harness';

const pg = (name: string, spec: Record<string, unknown> = {}): MockObject => ({
  apiVersion: 'acid.zalan.do/v1',
  kind: 'postgresql',
  metadata: { name, namespace: 'apps' },
  spec: {
    teamId: 'team', numberOfInstances: 2, postgresql: { version: '17' }, volume: { size: '5Gi' },
    users: { myapp_app: [], myapp_owner: ['superuser', 'createdb'], reader: ['nologin'] },
    databases: { myapp: 'myapp_owner' },
    ...spec,
  },
});
const ref = (name: string) => ({ apiVersion: 'acid.zalan.do/v1', kind: 'postgresql', name, namespace: 'apps' });
const statusOf = (c: MockCluster, name: string) => (c.get(ref(name))?.status as { PostgresClusterStatus?: string } | undefined)?.PostgresClusterStatus;
const secretNames = (c: MockCluster) => c.list('v1', 'Secret', { namespace: 'apps' }).map((s) => s.metadata.name);

describe('zalandoPostgresOperator', () => {
  let cluster: MockCluster;
  beforeEach(() => {
    vi.useFakeTimers();
    cluster = createMockCluster({ namespaces: ['apps'] });
  });
  afterEach(async () => {
    await cluster.close();
    vi.useRealTimers();
  });

  it('goes from no status to Creating to Running, with Services and credentials Secrets before Running', async () => {
    const op = zalandoPostgresOperator(cluster, { pickupDelayMs: 10, createDelayMs: 100 });
    cluster.apply(pg('team-myapp-db'));
    expect(cluster.get(ref('team-myapp-db'))?.status).toBeUndefined();
    await vi.advanceTimersByTimeAsync(10);
    expect(statusOf(cluster, 'team-myapp-db')).toBe('Creating');
    expect(secretNames(cluster).sort()).toEqual([
      'myapp-app.team-myapp-db.credentials.postgresql.acid.zalan.do',
      'myapp-owner.team-myapp-db.credentials.postgresql.acid.zalan.do',
      'postgres.team-myapp-db.credentials.postgresql.acid.zalan.do',
      'standby.team-myapp-db.credentials.postgresql.acid.zalan.do',
    ]);
    expect(cluster.list('v1', 'Service', { namespace: 'apps' }).map((s) => [s.metadata.name, (s.spec as any).ports[0].port])).toEqual([
      ['team-myapp-db', 5432], ['team-myapp-db-repl', 5432],
    ]);
    await vi.advanceTimersByTimeAsync(99);
    expect(statusOf(cluster, 'team-myapp-db')).toBe('Creating');
    await vi.advanceTimersByTimeAsync(1);
    expect(statusOf(cluster, 'team-myapp-db')).toBe('Running');
    expect(op.transitions.map((t) => t.status)).toEqual(['Creating', 'Running']);
  });

  it('readies each cluster after its own delay when createDelayMs is a function', async () => {
    const op = zalandoPostgresOperator(cluster, { pickupDelayMs: 0, createDelayMs: (name) => (name === 'team-slow-db' ? 500 : 50) });
    cluster.apply(pg('team-fast-db'));
    cluster.apply(pg('team-slow-db'));
    await vi.advanceTimersByTimeAsync(60);
    expect([statusOf(cluster, 'team-fast-db'), statusOf(cluster, 'team-slow-db')]).toEqual(['Running', 'Creating']);
    await vi.advanceTimersByTimeAsync(500);
    expect(statusOf(cluster, 'team-slow-db')).toBe('Running');
    op.stop();
  });

  it('writes the Secret exactly as the operator does', async () => {
    zalandoPostgresOperator(cluster, { pickupDelayMs: 1 });
    cluster.apply(pg('team-myapp-db'));
    await vi.advanceTimersByTimeAsync(1);
    const s = cluster.get({ apiVersion: 'v1', kind: 'Secret', name: 'myapp-app.team-myapp-db.credentials.postgresql.acid.zalan.do', namespace: 'apps' })!;
    const data = s.data as Record<string, string>;
    expect(s.type).toBe('Opaque');
    expect(s.metadata.labels).toEqual({ application: 'spilo', 'cluster-name': 'team-myapp-db', team: 'team' });
    expect(Buffer.from(data.username!, 'base64').toString()).toBe('myapp_app');
    expect(Buffer.from(data.password!, 'base64').toString()).toMatch(/^[a-zA-Z0-9]{64}$/);
  });

  it('rejects a spec the CRD schema forbids with 422 and the field', () => {
    zalandoPostgresOperator(cluster);
    expect(() => cluster.apply(pg('x', { numberOfInstances: -1, resources: { requests: { cpu: '1.2345' } } }))).toThrow(
      /spec\.numberOfInstances: Invalid value: -1.*spec\.resources\.requests\.cpu: Invalid value: "1\.2345"/,
    );
  });

  it('marks an unaccepted version Invalid and creates nothing', async () => {
    const op = zalandoPostgresOperator(cluster, { pickupDelayMs: 1 });
    cluster.apply(pg('team-old', { postgresql: { version: '12' } }));
    await vi.advanceTimersByTimeAsync(1000);
    expect(statusOf(cluster, 'team-old')).toBe('Invalid');
    expect(op.transitions).toEqual([{ namespace: 'apps', name: 'team-old', status: 'Invalid', reason: 'unsupported PostgreSQL version "12" (accepted: 14, 15, 16, 17, 18)' }]);
    expect(secretNames(cluster)).toEqual([]);
  });

  it('enforces the team prefix only when configured', async () => {
    zalandoPostgresOperator(cluster, { pickupDelayMs: 1, createDelayMs: 1, enableTeamIdClusterPrefix: true });
    cluster.apply(pg('other-db'));
    cluster.apply(pg('team-db'));
    await vi.advanceTimersByTimeAsync(10);
    expect(statusOf(cluster, 'other-db')).toBe('Invalid');
    expect(statusOf(cluster, 'team-db')).toBe('Running');
  });

  it('fails creation on an invalid role name', async () => {
    const op = zalandoPostgresOperator(cluster, { pickupDelayMs: 1, createDelayMs: 5 });
    cluster.apply(pg('team-bad', { users: { 'Bad-Role': [] }, databases: {} }));
    await vi.advanceTimersByTimeAsync(10);
    expect(statusOf(cluster, 'team-bad')).toBe('CreateFailed');
    expect(op.transitions.at(-1)?.reason).toBe('invalid username: "Bad-Role"');
  });

  it('plays scripted failures: CreateFailed, NeverReady, and CreateFailed fixed by a later sync', async () => {
    const op = zalandoPostgresOperator(cluster, { pickupDelayMs: 1, createDelayMs: 10, syncDelayMs: 100, scripts: { 'team-a': { create: 'CreateFailed' } } });
    op.script('team-b', { create: 'NeverReady' });
    op.script('team-c', { create: 'CreateFailedThenRunning' });
    for (const n of ['team-a', 'team-b', 'team-c']) cluster.apply(pg(n));
    await vi.advanceTimersByTimeAsync(11);
    expect(['team-a', 'team-b', 'team-c'].map((n) => statusOf(cluster, n))).toEqual(['CreateFailed', 'Creating', 'CreateFailed']);
    expect(secretNames(cluster).filter((n) => n.includes('.team-a.'))).toHaveLength(4);
    await vi.advanceTimersByTimeAsync(100);
    expect(['team-a', 'team-b', 'team-c'].map((n) => statusOf(cluster, n))).toEqual(['CreateFailed', 'Creating', 'Running']);
  });

  it('goes Updating then Running on a spec change (UpdateFailed when scripted), adding Secrets for new roles', async () => {
    const op = zalandoPostgresOperator(cluster, { pickupDelayMs: 1, createDelayMs: 5, updateDelayMs: 20 });
    cluster.apply(pg('team-u'));
    await vi.advanceTimersByTimeAsync(6);
    cluster.setStatus(ref('team-u'), { PostgresClusterStatus: 'Running' });
    cluster.apply(pg('team-u', { users: { myapp_app: [], extra_role: [] }, databases: {} }));
    await vi.advanceTimersByTimeAsync(1);
    expect(statusOf(cluster, 'team-u')).toBe('Updating');
    expect(secretNames(cluster)).toContain('extra-role.team-u.credentials.postgresql.acid.zalan.do');
    await vi.advanceTimersByTimeAsync(20);
    expect(statusOf(cluster, 'team-u')).toBe('Running');
    op.script('team-u', { update: 'UpdateFailed' });
    cluster.apply(pg('team-u', { numberOfInstances: 3 }));
    await vi.advanceTimersByTimeAsync(21);
    expect(statusOf(cluster, 'team-u')).toBe('UpdateFailed');
    expect(op.transitions.map((t) => t.status)).toEqual(['Creating', 'Running', 'Updating', 'Running', 'Updating', 'UpdateFailed']);
  });

  it('removes the cluster Secrets and Services on delete, and leaves others alone', async () => {
    zalandoPostgresOperator(cluster, { pickupDelayMs: 1, createDelayMs: 1 });
    cluster.apply(pg('team-a'));
    cluster.apply(pg('team-b'));
    cluster.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'unrelated', namespace: 'apps' }, data: {} });
    await vi.advanceTimersByTimeAsync(5);
    expect(secretNames(cluster)).toHaveLength(9);
    cluster.delete(ref('team-a'));
    expect(secretNames(cluster).filter((n) => n.includes('team-a'))).toEqual([]);
    expect(secretNames(cluster)).toHaveLength(5);
    expect(cluster.list('v1', 'Service', { namespace: 'apps' }).map((s) => s.metadata.name)).toEqual(['team-b', 'team-b-repl']);
  });
});

describe('zalandoPostgresOperator over HTTP', () => {
  it('serves the CRD to client-node with the status subresource', async () => {
    const cluster = createMockCluster({ namespaces: ['apps'] });
    const op = zalandoPostgresOperator(cluster, { pickupDelayMs: 5, createDelayMs: 20 });
    try {
      const { kubeConfig } = await cluster.listen();
      const api = kubeConfig.makeApiClient(CustomObjectsApi);
      await api.createNamespacedCustomObject({ group: 'acid.zalan.do', version: 'v1', namespace: 'apps', plural: 'postgresqls', body: pg('team-http') });
      await until(() => op.transitions.some((t) => t.status === 'Running'));
      const got = (await api.getNamespacedCustomObjectStatus({ group: 'acid.zalan.do', version: 'v1', namespace: 'apps', plural: 'postgresqls', name: 'team-http' })) as MockObject;
      expect(got.status).toEqual({ PostgresClusterStatus: 'Running' });
    } finally {
      await cluster.close();
    }
  });
});
