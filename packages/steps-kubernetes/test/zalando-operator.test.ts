import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { createFakeClock } from '@innominatus/core/testing';
import {
  createMockCluster,
  postgresqlCrd,
  zalandoPostgresOperator,
  POSTGRES_OPERATOR_FINALIZER,
  type MockCluster,
  type MockObject,
} from '@innominatus/steps-kubernetes/testing';
import { until } from './harness';

const pg = (name: string, spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): MockObject => ({
  apiVersion: 'acid.zalan.do/v1',
  kind: 'postgresql',
  metadata: { name, namespace: 'apps', ...metadata },
  spec: {
    teamId: 'team',
    numberOfInstances: 2,
    postgresql: { version: '17' },
    volume: { size: '5Gi' },
    users: { myapp_app: [], myapp_owner: ['superuser', 'createdb'], reader: ['nologin'] },
    databases: { myapp: 'myapp_owner' },
    ...spec,
  },
});
const ref = (name: string) => ({ apiVersion: 'acid.zalan.do/v1', kind: 'postgresql', name, namespace: 'apps' });
const statusOf = (c: MockCluster, name: string) => (c.get(ref(name))?.status as { PostgresClusterStatus?: string } | undefined)?.PostgresClusterStatus;
const names = (c: MockCluster, apiVersion: string, kind: string, labelSelector?: string) =>
  c.list(apiVersion, kind, { namespace: 'apps', ...(labelSelector ? { labelSelector } : {}) }).map((s) => s.metadata.name);
const secretNames = (c: MockCluster) => names(c, 'v1', 'Secret');
const byAge = (a: MockObject, b: MockObject) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion);
const events = (c: MockCluster, name: string) =>
  c
    .list('v1', 'Event', { namespace: 'apps', fieldSelector: `involvedObject.name=${name}` })
    .sort(byAge)
    .map((e) => `${String(e.type)} ${String(e.reason)}: ${String(e.message)}`);
const decoded = (s: MockObject | undefined, key: string) => Buffer.from((s!.data as Record<string, string>)[key]!, 'base64').toString();

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

  it('runs its delays on the clock it is given: nothing happens until that clock moves', async () => {
    vi.useRealTimers(); // the fake clock settles through setImmediate
    const clock = createFakeClock();
    const op = zalandoPostgresOperator(cluster, { clock, pickupDelayMs: 10, createDelayMs: 100 });
    cluster.apply(pg('team-myapp-db'));
    await clock.settle();
    expect(op.transitions).toEqual([]);
    expect(clock.pending()).toBe(1);
    await clock.advance(10);
    expect(op.transitions.map((t) => t.status)).toEqual(['Creating']);
    await clock.advance(99);
    expect(op.transitions.map((t) => t.status)).toEqual(['Creating']);
    await clock.advance(1);
    expect(op.transitions.map((t) => t.status)).toEqual(['Creating', 'Running']);
  });

  it('goes from no status to Creating to Running: Services, Secrets (nologin users too), PDB, StatefulSet, PVCs, Pods before Running', async () => {
    const op = zalandoPostgresOperator(cluster, { pickupDelayMs: 10, createDelayMs: 100 });
    cluster.apply(pg('team-myapp-db'));
    expect(cluster.get(ref('team-myapp-db'))?.status).toBeUndefined();
    await vi.advanceTimersByTimeAsync(10);
    expect(statusOf(cluster, 'team-myapp-db')).toBe('Creating');
    expect(secretNames(cluster)).toEqual([
      'myapp-app.team-myapp-db.credentials.postgresql.acid.zalan.do',
      'myapp-owner.team-myapp-db.credentials.postgresql.acid.zalan.do',
      'postgres.team-myapp-db.credentials.postgresql.acid.zalan.do',
      'reader.team-myapp-db.credentials.postgresql.acid.zalan.do',
      'standby.team-myapp-db.credentials.postgresql.acid.zalan.do',
    ]);
    const services = cluster.list('v1', 'Service', { namespace: 'apps' });
    expect(services.map((s) => [s.metadata.name, (s.spec as any).ports[0].port, (s.spec as any).selector])).toEqual([
      ['team-myapp-db', 5432, undefined],
      ['team-myapp-db-repl', 5432, { application: 'spilo', 'cluster-name': 'team-myapp-db', 'spilo-role': 'replica' }],
    ]);
    expect(names(cluster, 'apps/v1', 'StatefulSet')).toEqual(['team-myapp-db']);
    expect(names(cluster, 'policy/v1', 'PodDisruptionBudget')).toEqual(['postgres-team-myapp-db-pdb']);
    expect(names(cluster, 'v1', 'PersistentVolumeClaim')).toEqual(['pgdata-team-myapp-db-0', 'pgdata-team-myapp-db-1']);
    expect(names(cluster, 'v1', 'Pod')).toEqual(['team-myapp-db-0', 'team-myapp-db-1']);
    await vi.advanceTimersByTimeAsync(99);
    expect(statusOf(cluster, 'team-myapp-db')).toBe('Creating');
    await vi.advanceTimersByTimeAsync(1);
    expect(statusOf(cluster, 'team-myapp-db')).toBe('Running');
    expect(op.transitions.map((t) => t.status)).toEqual(['Creating', 'Running']);
    expect(cluster.list('v1', 'Pod', { namespace: 'apps' }).map((p) => (p.status as { phase: string }).phase)).toEqual(['Running', 'Running']);
    expect(events(cluster, 'team-myapp-db')).toEqual([
      'Normal Create: Started creation of new cluster resources',
      'Normal Create: Created cluster apps/team-myapp-db',
    ]);
    expect(
      cluster
        .list('events.k8s.io/v1', 'Event', { namespace: 'apps' })
        .sort(byAge)
        .map((e) => e.note),
    ).toEqual(['Started creation of new cluster resources', 'Created cluster apps/team-myapp-db']);
  });

  it('takes up the clusters that exist when it starts (a restarted operator), as it does new ones', async () => {
    cluster.installCrds(postgresqlCrd());
    cluster.apply(pg('team-before-db'));
    zalandoPostgresOperator(cluster, { pickupDelayMs: 10, createDelayMs: 100 });
    cluster.apply(pg('team-after-db'));
    await vi.advanceTimersByTimeAsync(10);
    expect([statusOf(cluster, 'team-before-db'), statusOf(cluster, 'team-after-db')]).toEqual(['Creating', 'Creating']);
    await vi.advanceTimersByTimeAsync(100);
    expect([statusOf(cluster, 'team-before-db'), statusOf(cluster, 'team-after-db')]).toEqual(['Running', 'Running']);
    expect(events(cluster, 'team-before-db').filter((e) => e.includes('Create'))).toEqual(
      events(cluster, 'team-after-db')
        .filter((e) => e.includes('Create'))
        .map((e) => e.replaceAll('after', 'before')),
    );
  });

  it('readies each cluster after its own delay when createDelayMs is a function', async () => {
    zalandoPostgresOperator(cluster, { pickupDelayMs: 0, createDelayMs: (name) => (name === 'team-slow-db' ? 500 : 50) });
    cluster.apply(pg('team-fast-db'));
    cluster.apply(pg('team-slow-db'));
    await vi.advanceTimersByTimeAsync(60);
    expect([statusOf(cluster, 'team-fast-db'), statusOf(cluster, 'team-slow-db')]).toEqual(['Running', 'Creating']);
    await vi.advanceTimersByTimeAsync(500);
    expect(statusOf(cluster, 'team-slow-db')).toBe('Running');
  });

  it('writes the Secret exactly as the operator does, and with password rotation a dated username and nextRotation', async () => {
    zalandoPostgresOperator(cluster, { pickupDelayMs: 1 });
    cluster.apply(pg('team-myapp-db'));
    await vi.advanceTimersByTimeAsync(1);
    const s = cluster.get({ apiVersion: 'v1', kind: 'Secret', name: 'myapp-app.team-myapp-db.credentials.postgresql.acid.zalan.do', namespace: 'apps' })!;
    expect(s.type).toBe('Opaque');
    expect(s.metadata.labels).toEqual({ application: 'spilo', 'cluster-name': 'team-myapp-db', team: 'team' });
    expect(decoded(s, 'username')).toBe('myapp_app');
    expect(decoded(s, 'password')).toMatch(/^[a-zA-Z0-9]{64}$/);
    const rotating = createMockCluster({ namespaces: ['apps'] });
    try {
      zalandoPostgresOperator(rotating, { pickupDelayMs: 1, passwordRotation: { now: () => new Date('2026-12-01T08:00:00Z'), intervalDays: 90 } });
      rotating.apply(pg('team-rot-db'));
      await vi.advanceTimersByTimeAsync(1);
      const app = rotating.get({ apiVersion: 'v1', kind: 'Secret', name: 'myapp-app.team-rot-db.credentials.postgresql.acid.zalan.do', namespace: 'apps' });
      expect([decoded(app, 'username'), decoded(app, 'nextRotation')]).toEqual(['myapp_app261201', '2027-03-01T08:00:00Z']);
      const superuser = rotating.get({
        apiVersion: 'v1',
        kind: 'Secret',
        name: 'postgres.team-rot-db.credentials.postgresql.acid.zalan.do',
        namespace: 'apps',
      });
      expect([decoded(superuser, 'username'), (superuser!.data as Record<string, string>).nextRotation]).toEqual(['postgres', undefined]);
    } finally {
      await rotating.close();
    }
  });

  it('leaves an unaccepted version to the API server: 422 from its CRD, the operator never sees it', async () => {
    const op = zalandoPostgresOperator(cluster, { pickupDelayMs: 1 });
    expect(() => cluster.apply(pg('team-old', { postgresql: { version: '12' } }))).toThrow(
      'postgresql.acid.zalan.do "team-old" is invalid: spec.postgresql.version: Unsupported value: "12": supported values: "14", "15", "16", "17", "18"',
    );
    await vi.advanceTimersByTimeAsync(1000);
    expect(cluster.get(ref('team-old'))).toBeUndefined();
    expect(op.transitions).toEqual([]);
  });

  it('marks a name without the team prefix Invalid (only when configured), ignores changes until the periodic sync, which syncs it to Running', async () => {
    const op = zalandoPostgresOperator(cluster, { pickupDelayMs: 1, createDelayMs: 1, updateDelayMs: 1, syncDelayMs: 1000, enableTeamIdClusterPrefix: true });
    cluster.apply(pg('other-db'));
    cluster.apply(pg('team-db'));
    await vi.advanceTimersByTimeAsync(10);
    expect([statusOf(cluster, 'other-db'), statusOf(cluster, 'team-db')]).toEqual(['Invalid', 'Running']);
    expect(op.transitions.find((t) => t.name === 'other-db')?.reason).toBe(
      'name must match {TEAM}-{NAME} format: cluster name "other-db" must start with "team-"',
    );
    expect(secretNames(cluster).filter((n) => n.includes('.other-db.'))).toEqual([]);
    cluster.apply(pg('other-db', { numberOfInstances: 3 }));
    await vi.advanceTimersByTimeAsync(100);
    expect(statusOf(cluster, 'other-db')).toBe('Invalid');
    await vi.advanceTimersByTimeAsync(1000);
    expect(statusOf(cluster, 'other-db')).toBe('Running');
    expect(op.transitions.filter((t) => t.name === 'other-db').map((t) => t.status)).toEqual(['Invalid', 'Running']);
  });

  it('fails creation on an invalid role name with a Warning event; the Services made before stay', async () => {
    const op = zalandoPostgresOperator(cluster, { pickupDelayMs: 1, createDelayMs: 5 });
    cluster.apply(pg('team-bad', { users: { 'Bad-Role': [] }, databases: {} }));
    await vi.advanceTimersByTimeAsync(10);
    expect(statusOf(cluster, 'team-bad')).toBe('CreateFailed');
    expect(op.transitions.map((t) => t.status)).toEqual(['Creating', 'CreateFailed']);
    expect(events(cluster, 'team-bad').at(-1)).toBe('Warning Create: could not create cluster: invalid username: "Bad-Role"');
    expect(names(cluster, 'v1', 'Service')).toEqual(['team-bad', 'team-bad-repl']);
    expect(secretNames(cluster)).toEqual([]);
  });

  it('skips a database whose owner is not a role (a log line) and still reaches Running', async () => {
    const op = zalandoPostgresOperator(cluster, { pickupDelayMs: 1, createDelayMs: 1 });
    cluster.apply(pg('team-db', { databases: { myapp: 'myapp_owner', orphan: 'nobody', 'bad-name': 'myapp_owner' } }));
    await vi.advanceTimersByTimeAsync(5);
    expect(statusOf(cluster, 'team-db')).toBe('Running');
    expect(op.logs).toEqual([
      'apps/team-db: database "orphan": owner role "nobody" is not defined: skipped',
      'apps/team-db: database "bad-name" has invalid name: skipped',
    ]);
  });

  it('gives CreateFailed, then UpdateFailed, with a Warning event for a spec it cannot unmarshal', async () => {
    const op = zalandoPostgresOperator(cluster, { pickupDelayMs: 1, createDelayMs: 1, updateDelayMs: 1 });
    cluster.apply(pg('team-db', { patroni: { ttl: 'thirty' } }));
    await vi.advanceTimersByTimeAsync(5);
    expect(statusOf(cluster, 'team-db')).toBe('CreateFailed');
    expect(events(cluster, 'team-db')).toEqual([
      'Warning Create: could not unmarshal spec.patroni.ttl: cannot unmarshal string into Go struct field Patroni.ttl of type uint32',
    ]);
    cluster.apply(pg('team-ok', {}));
    await vi.advanceTimersByTimeAsync(5);
    cluster.apply(pg('team-ok', { patroni: { synchronous_mode: 'yes' } }));
    await vi.advanceTimersByTimeAsync(5);
    expect(statusOf(cluster, 'team-ok')).toBe('UpdateFailed');
    expect(op.transitions.filter((t) => t.name === 'team-ok').map((t) => t.status)).toEqual(['Creating', 'Running', 'UpdateFailed']);
  });

  it('plays scripted failures: CreateFailed, NeverReady, and CreateFailed fixed by the periodic sync', async () => {
    const op = zalandoPostgresOperator(cluster, { pickupDelayMs: 1, createDelayMs: 10, syncDelayMs: 100, scripts: { 'team-a': { create: 'CreateFailed' } } });
    op.script('team-b', { create: 'NeverReady' });
    op.script('team-c', { create: 'CreateFailedThenRunning' });
    for (const n of ['team-a', 'team-b', 'team-c']) cluster.apply(pg(n));
    await vi.advanceTimersByTimeAsync(11);
    expect(['team-a', 'team-b', 'team-c'].map((n) => statusOf(cluster, n))).toEqual(['CreateFailed', 'Creating', 'CreateFailed']);
    expect(secretNames(cluster).filter((n) => n.includes('.team-a.'))).toHaveLength(5);
    await vi.advanceTimersByTimeAsync(100);
    expect(['team-a', 'team-b', 'team-c'].map((n) => statusOf(cluster, n))).toEqual(['CreateFailed', 'Creating', 'Running']);
  });

  it('resyncs at once on request: a failed create is fixed, a cluster being created or updated is left alone', async () => {
    const op = zalandoPostgresOperator(cluster, { pickupDelayMs: 1, createDelayMs: 10, updateDelayMs: 50, syncDelayMs: 1000 });
    op.script('team-c', { create: 'CreateFailedThenRunning' });
    op.script('team-r', { create: 'CreateFailedThenRunning' });
    op.script('team-b', { create: 'NeverReady' });
    for (const n of ['team-b', 'team-c', 'team-r']) cluster.apply(pg(n));
    await vi.advanceTimersByTimeAsync(11);
    expect(['team-b', 'team-c', 'team-r'].map((n) => statusOf(cluster, n))).toEqual(['Creating', 'CreateFailed', 'CreateFailed']);
    // team-r's spec changes: the update replaces its pending sync, and ends Running.
    cluster.apply(pg('team-r', { numberOfInstances: 3 }));
    await vi.advanceTimersByTimeAsync(2);
    expect(statusOf(cluster, 'team-r')).toBe('Updating');
    op.resync();
    expect(['team-b', 'team-c', 'team-r'].map((n) => statusOf(cluster, n))).toEqual(['Creating', 'Running', 'Updating']);
    expect(op.transitions.filter((t) => t.name === 'team-c').map((t) => t.status)).toEqual(['Creating', 'CreateFailed', 'Running']);
    await vi.advanceTimersByTimeAsync(50);
    expect(op.transitions.filter((t) => t.name === 'team-r').map((t) => t.status)).toEqual(['Creating', 'CreateFailed', 'Updating', 'Running']);
  });

  it('holds a cluster in Creating until released, then ends as scripted createDelayMs later; others are not held', async () => {
    const op = zalandoPostgresOperator(cluster, { pickupDelayMs: 1, createDelayMs: 10 });
    op.hold('team-h');
    op.script('team-f', { create: 'CreateFailed' });
    op.hold('team-f');
    for (const n of ['team-h', 'team-f', 'team-o']) cluster.apply(pg(n));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(['team-h', 'team-f', 'team-o'].map((n) => statusOf(cluster, n))).toEqual(['Creating', 'Creating', 'Running']);
    expect(secretNames(cluster).filter((n) => n.includes('.team-h.'))).toHaveLength(5);
    op.release('team-h');
    await vi.advanceTimersByTimeAsync(9);
    expect(statusOf(cluster, 'team-h')).toBe('Creating');
    await vi.advanceTimersByTimeAsync(1);
    expect(['team-h', 'team-f'].map((n) => statusOf(cluster, n))).toEqual(['Running', 'Creating']);
    op.release('team-f');
    await vi.advanceTimersByTimeAsync(10);
    expect(statusOf(cluster, 'team-f')).toBe('CreateFailed');
    // Released: a cluster of that name created later is not held.
    cluster.delete(ref('team-h'));
    await vi.advanceTimersByTimeAsync(100);
    cluster.apply(pg('team-h'));
    await vi.advanceTimersByTimeAsync(11);
    expect(statusOf(cluster, 'team-h')).toBe('Running');
  });

  it('a held cluster deleted before its release is gone; its release writes nothing', async () => {
    const op = zalandoPostgresOperator(cluster, { pickupDelayMs: 1, createDelayMs: 10, deleteDelayMs: 5 });
    op.hold('team-d');
    cluster.apply(pg('team-d'));
    await vi.advanceTimersByTimeAsync(2);
    expect(statusOf(cluster, 'team-d')).toBe('Creating');
    cluster.delete(ref('team-d'));
    op.release('team-d');
    await vi.advanceTimersByTimeAsync(100);
    expect(cluster.get(ref('team-d'))).toBeUndefined();
    expect(op.transitions.map((t) => t.status)).toEqual(['Creating']);
  });

  it('a stopped operator resyncs nothing: its failed cluster stays as it was', async () => {
    const op = zalandoPostgresOperator(cluster, { pickupDelayMs: 1, createDelayMs: 10, syncDelayMs: 1000 });
    op.script('team-s', { create: 'CreateFailedThenRunning' });
    cluster.apply(pg('team-s'));
    await vi.advanceTimersByTimeAsync(11);
    expect(statusOf(cluster, 'team-s')).toBe('CreateFailed');
    op.stop();
    op.resync();
    expect(statusOf(cluster, 'team-s')).toBe('CreateFailed');
    expect(op.transitions.map((t) => t.status)).toEqual(['Creating', 'CreateFailed']);
  });

  it('after the cluster is closed, resync writes nothing', async () => {
    const op = zalandoPostgresOperator(cluster, { pickupDelayMs: 1, createDelayMs: 10, syncDelayMs: 1000 });
    op.script('team-z', { create: 'CreateFailedThenRunning' });
    cluster.apply(pg('team-z'));
    await vi.advanceTimersByTimeAsync(11);
    await cluster.close();
    op.resync();
    expect(op.transitions.map((t) => t.status)).toEqual(['Creating', 'CreateFailed']);
  });

  it('goes Updating then Running on a spec or annotation change (UpdateFailed when scripted), not on a label change', async () => {
    const op = zalandoPostgresOperator(cluster, { pickupDelayMs: 1, createDelayMs: 5, updateDelayMs: 20 });
    cluster.apply(pg('team-u'));
    await vi.advanceTimersByTimeAsync(6);
    cluster.apply(pg('team-u', { users: { myapp_app: [], extra_role: [] }, databases: {}, numberOfInstances: 3 }));
    await vi.advanceTimersByTimeAsync(1);
    expect(statusOf(cluster, 'team-u')).toBe('Updating');
    expect(secretNames(cluster)).toContain('extra-role.team-u.credentials.postgresql.acid.zalan.do');
    expect(names(cluster, 'v1', 'Pod')).toEqual(['team-u-0', 'team-u-1', 'team-u-2']);
    await vi.advanceTimersByTimeAsync(20);
    expect(statusOf(cluster, 'team-u')).toBe('Running');
    const meta = (extra: Record<string, unknown>) => ({
      apiVersion: 'acid.zalan.do/v1',
      kind: 'postgresql',
      metadata: { name: 'team-u', namespace: 'apps', ...extra },
    });
    cluster.apply(meta({ labels: { tier: 'gold' } }));
    await vi.advanceTimersByTimeAsync(30);
    cluster.apply(meta({ annotations: { note: 'restart' } }));
    await vi.advanceTimersByTimeAsync(30);
    op.script('team-u', { update: 'UpdateFailed' });
    cluster.apply(pg('team-u', { numberOfInstances: 1 }));
    await vi.advanceTimersByTimeAsync(21);
    expect(statusOf(cluster, 'team-u')).toBe('UpdateFailed');
    expect(op.transitions.map((t) => t.status)).toEqual(['Creating', 'Running', 'Updating', 'Running', 'Updating', 'Running', 'Updating', 'UpdateFailed']);
  });

  it("removes the cluster's objects asynchronously after the delete (PVCs too), and leaves others alone", async () => {
    zalandoPostgresOperator(cluster, { pickupDelayMs: 1, createDelayMs: 1, deleteDelayMs: 50 });
    cluster.apply(pg('team-a'));
    cluster.apply(pg('team-b'));
    cluster.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'unrelated', namespace: 'apps' }, data: {} });
    await vi.advanceTimersByTimeAsync(5);
    expect(secretNames(cluster)).toHaveLength(11);
    cluster.delete(ref('team-a'));
    expect(cluster.get(ref('team-a'))).toBeUndefined();
    expect(names(cluster, 'v1', 'PersistentVolumeClaim', 'cluster-name=team-a')).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(50);
    for (const [v, k] of [
      ['v1', 'Secret'],
      ['v1', 'Service'],
      ['v1', 'Pod'],
      ['v1', 'PersistentVolumeClaim'],
      ['apps/v1', 'StatefulSet'],
      ['policy/v1', 'PodDisruptionBudget'],
    ] as const) {
      expect(names(cluster, v, k, 'cluster-name=team-a')).toEqual([]);
    }
    expect(secretNames(cluster)).toHaveLength(6);
    expect(names(cluster, 'v1', 'Service')).toEqual(['team-b', 'team-b-repl']);
  });

  it('with enable_finalizers keeps the object Terminating until its objects are removed', async () => {
    zalandoPostgresOperator(cluster, { pickupDelayMs: 1, createDelayMs: 1, deleteDelayMs: 50, enableFinalizers: true });
    cluster.apply(pg('team-f'));
    await vi.advanceTimersByTimeAsync(5);
    expect(cluster.get(ref('team-f'))!.metadata.finalizers).toEqual([POSTGRES_OPERATOR_FINALIZER]);
    cluster.delete(ref('team-f'));
    expect(cluster.get(ref('team-f'))!.metadata.deletionTimestamp).toEqual(expect.any(String));
    await vi.advanceTimersByTimeAsync(49);
    expect(cluster.get(ref('team-f'))).toBeDefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(cluster.get(ref('team-f'))).toBeUndefined();
    expect(secretNames(cluster)).toEqual([]);
  });

  it('runs the connection pooler when enabled (Deployment, Service, pooler Secret) and removes it when disabled', async () => {
    zalandoPostgresOperator(cluster, { pickupDelayMs: 1, createDelayMs: 1, updateDelayMs: 1 });
    cluster.apply(pg('team-p', { enableConnectionPooler: true, enableReplicaConnectionPooler: true }));
    await vi.advanceTimersByTimeAsync(5);
    expect(names(cluster, 'apps/v1', 'Deployment')).toEqual(['team-p-pooler', 'team-p-pooler-repl']);
    expect(names(cluster, 'v1', 'Service')).toEqual(['team-p', 'team-p-pooler', 'team-p-pooler-repl', 'team-p-repl']);
    expect(secretNames(cluster)).toContain('pooler.team-p.credentials.postgresql.acid.zalan.do');
    cluster.apply(pg('team-p', { enableConnectionPooler: false, enableReplicaConnectionPooler: false }));
    await vi.advanceTimersByTimeAsync(5);
    expect(names(cluster, 'apps/v1', 'Deployment')).toEqual([]);
    expect(names(cluster, 'v1', 'Service')).toEqual(['team-p', 'team-p-repl']);
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
      const got = (await api.getNamespacedCustomObjectStatus({
        group: 'acid.zalan.do',
        version: 'v1',
        namespace: 'apps',
        plural: 'postgresqls',
        name: 'team-http',
      })) as MockObject;
      expect(got.status).toEqual({ PostgresClusterStatus: 'Running' });
    } finally {
      await cluster.close();
    }
  });
});
