import { describe, expect, it } from 'vitest';
import { isSensitive, revealAll } from '@innominatus/core';
import { progressed } from '@innominatus/provider-sdk/testing';
import { BASE, clustersClosedAfterEach, postgresql, run, runToTimeout, secretValue } from './harness';

const SECRET = 'myapp-db-app.team-myapp-db.credentials.postgresql.acid.zalan.do';
const start = clustersClosedAfterEach();

describe('provision-postgres', () => {
  it('gives exactly the outputs table, the password read from the real Secret', async () => {
    const { cluster } = start();
    const r = await run(cluster, 'provision-postgres', { ...BASE });
    expect(r.error?.describe()).toBeUndefined();
    expect(r.status).toBe('succeeded');
    const password = secretValue(cluster, SECRET, 'password');
    expect(password).toMatch(/^[a-zA-Z0-9]{64}$/);
    expect(isSensitive(r.outputs.password)).toBe(true);
    expect(isSensitive(r.outputs.connection_string)).toBe(true);
    // read-secret's plain: [username] declassifies the login name on purpose, and only it.
    expect(r.outputs.username).toBe('myapp_db_app');
    expect(revealAll(r.outputs)).toEqual({
      database_name: 'myapp_db',
      name: 'myapp_db',
      database: 'myapp_db',
      cluster_name: 'team-myapp-db',
      namespace: 'production',
      host: 'team-myapp-db.production.svc.cluster.local',
      port: 5432,
      credentials_secret: SECRET,
      username: 'myapp_db_app',
      password,
      connection_string: `postgresql://myapp_db_app:${password}@team-myapp-db.production.svc.cluster.local:5432/myapp_db?sslmode=require`,
    });
    // The operator's Secret holds the role name the output names.
    expect(secretValue(cluster, SECRET, 'username')).toBe('myapp_db_app');
  });

  it('applies the postgresql resource the operator expects, and waits for Running', async () => {
    const { cluster, operator } = start();
    const r = await run(cluster, 'provision-postgres', { ...BASE });
    expect(r.status).toBe('succeeded');
    const pg = postgresql(cluster, 'team-myapp-db')!;
    expect(pg.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'innominatus', 'innominatus.io/provider': 'database-team' });
    expect(pg.spec).toEqual({
      teamId: 'team',
      numberOfInstances: 2,
      postgresql: { version: '15' },
      volume: { size: '5Gi' },
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
      users: { myapp_db_owner: ['createdb'], myapp_db_app: [] },
      databases: { myapp_db: 'myapp_db_owner' },
    });
    expect(operator.transitions.map((t) => t.status)).toEqual(['Creating', 'Running']);
    expect(r.events.filter((e) => e.event === 'step:succeeded').map((e) => (e as { step: string }).step)).toEqual([
      'create-postgres-cluster',
      'wait-for-database',
      'get-credentials',
    ]);
  });

  it.each([
    { size: 'small', storage: '5Gi', cpu: ['100m', '500m'], memory: ['256Mi', '512Mi'], replicas: 2 },
    { size: 'medium', storage: '20Gi', cpu: ['500m', '2000m'], memory: ['1Gi', '2Gi'], replicas: 2 },
    { size: 'large', storage: '100Gi', cpu: ['2000m', '4000m'], memory: ['4Gi', '8Gi'], replicas: 3 },
  ])('size $size: $storage, CPU $cpu, memory $memory, $replicas instances by default', async ({ size, storage, cpu, memory, replicas }) => {
    const { cluster } = start();
    const r = await run(cluster, 'provision-postgres', { ...BASE, size });
    expect(r.status).toBe('succeeded');
    const spec = postgresql(cluster, 'team-myapp-db')!.spec as Record<string, any>;
    expect(spec.volume).toEqual({ size: storage });
    expect(spec.resources).toEqual({ requests: { cpu: cpu[0], memory: memory[0] }, limits: { cpu: cpu[1], memory: memory[1] } });
    expect(spec.numberOfInstances).toBe(replicas);
  });

  it.each([
    { size: 'small', replicas: 1 },
    { size: 'large', replicas: 5 },
  ])('replicas $replicas overrides the default of size $size', async ({ size, replicas }) => {
    const { cluster } = start();
    const r = await run(cluster, 'provision-postgres', { ...BASE, size, replicas });
    expect(r.status).toBe('succeeded');
    expect((postgresql(cluster, 'team-myapp-db')!.spec as Record<string, any>).numberOfInstances).toBe(replicas);
  });

  it('passes the version through to spec.postgresql.version', async () => {
    const { cluster } = start();
    const r = await run(cluster, 'provision-postgres', { ...BASE, version: '17' });
    expect(r.status).toBe('succeeded');
    expect((postgresql(cluster, 'team-myapp-db')!.spec as Record<string, any>).postgresql).toEqual({ version: '17' });
  });

  it('names roles and the database after db_name with - turned into _ (names the operator accepts)', async () => {
    const { cluster } = start();
    const r = await run(cluster, 'provision-postgres', { db_name: 'orders', namespace: 'production', team_id: 'checkout' });
    expect(r.status).toBe('succeeded');
    const spec = postgresql(cluster, 'checkout-orders')!.spec as Record<string, any>;
    expect(spec.users).toEqual({ orders_owner: ['createdb'], orders_app: [] });
    expect(spec.databases).toEqual({ orders: 'orders_owner' });
    expect(revealAll(r.outputs).credentials_secret).toBe('orders-app.checkout-orders.credentials.postgresql.acid.zalan.do');
    expect(revealAll(r.outputs).username).toBe('orders_app');
  });

  it('percent-encodes user and password in connection_string (a password changed by hand)', async () => {
    const { cluster } = start();
    await run(cluster, 'provision-postgres', { ...BASE });
    const manual = 'p@ss:w/rd%?#x';
    cluster.apply({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: SECRET, namespace: 'production' },
      data: { password: Buffer.from(manual).toString('base64') },
    } as never);
    expect(secretValue(cluster, SECRET, 'password')).toBe(manual);
    const r = await run(cluster, 'provision-postgres', { ...BASE });
    expect(r.status).toBe('succeeded');
    expect(revealAll(r.outputs).password).toBe(manual);
    expect(revealAll(r.outputs).connection_string).toBe(
      'postgresql://myapp_db_app:p%40ss%3Aw%2Frd%25%3F%23x@team-myapp-db.production.svc.cluster.local:5432/myapp_db?sslmode=require',
    );
  });

  it('runs again without changing anything (server-side apply) and returns the same password', async () => {
    const { cluster, operator } = start();
    const first = await run(cluster, 'provision-postgres', { ...BASE });
    const second = await run(cluster, 'provision-postgres', { ...BASE });
    expect(second.status).toBe('succeeded');
    expect(revealAll(second.outputs)).toEqual(revealAll(first.outputs));
    expect(postgresql(cluster, 'team-myapp-db')!.metadata.generation).toBe(1);
    expect(operator.transitions.map((t) => t.status)).toEqual(['Creating', 'Running']);
  });
});

describe('provision-postgres failures', () => {
  it('fails at once on CreateFailed, naming the cluster and the status', async () => {
    const { cluster } = start({ scripts: { 'team-myapp-db': { create: 'CreateFailed' } } });
    const r = await run(cluster, 'provision-postgres', { ...BASE });
    expect(r.status).toBe('failed');
    expect(r.error?.code).toBe('STEP_FAILED');
    // "At once": the failure condition ended the wait, not its 10 minute timeout.
    expect(r.error?.cause).toMatchObject({ code: 'K8S_CONDITION_FAILED' });
    expect((r.error as { step?: string }).step).toBe('wait-for-database');
    expect(r.error?.message).toContain('postgresql production/team-myapp-db');
    expect(r.error?.message).toContain('observed status: {"PostgresClusterStatus":"CreateFailed"}');
    expect(r.outputs).toEqual({});
  });

  it('fails at once on Invalid', async () => {
    const { cluster } = start({ scripts: { 'team-myapp-db': { create: 'Invalid' } } });
    const r = await run(cluster, 'provision-postgres', { ...BASE });
    expect(r.status).toBe('failed');
    expect((r.error as { step?: string }).step).toBe('wait-for-database');
    expect(r.error?.message).toContain('postgresql production/team-myapp-db');
    expect(r.error?.message).toContain('{"PostgresClusterStatus":"Invalid"}');
  });

  it('times out when the cluster never becomes ready, quoting the last status', async () => {
    const { cluster } = start({ scripts: { 'team-myapp-db': { create: 'NeverReady' } } });
    // The 1s pass on the run's fake clock once the wait has observed Creating.
    const r = await runToTimeout(cluster, 'provision-postgres', { ...BASE, wait_timeout: '1s' }, 1000, (events) =>
      progressed(events, 'postgresql production/team-myapp-db: {"PostgresClusterStatus":"Creating"}'),
    );
    expect(r.status).toBe('failed');
    expect((r.error as { step?: string }).step).toBe('wait-for-database');
    expect(r.error?.message).toContain('postgresql production/team-myapp-db: timed out after 1s');
    expect(r.error?.message).toContain('last observed status: {"PostgresClusterStatus":"Creating"}');
  });

  it('fails naming the Secret when the credentials Secret never appears', async () => {
    const { cluster } = start();
    // An operator that does not make the Secret under the expected name
    // (e.g. another secret_name_template): remove it whenever it appears.
    let removed = 0;
    cluster.events.on('added', (e: { object: { kind?: string; metadata: { name: string; namespace?: string } } }) => {
      if (e.object.kind === 'Secret' && e.object.metadata.name === SECRET) {
        cluster.delete({ apiVersion: 'v1', kind: 'Secret', name: SECRET, namespace: 'production' }, { immediate: true });
        removed++;
      }
    });
    // The 1s pass on the run's fake clock once the operator's Secret was removed and the step waits for it.
    const r = await runToTimeout(
      cluster,
      'provision-postgres',
      { ...BASE, wait_timeout: '1s' },
      1000,
      (events) => removed > 0 && progressed(events, `waiting for Secret production/${SECRET} to exist`),
    );
    expect(removed).toBe(1);
    expect(r.status).toBe('failed');
    expect((r.error as { step?: string }).step).toBe('get-credentials');
    expect(r.error?.message).toContain(`Secret production/${SECRET} did not appear within 1s`);
  });

  it('rejects bad parameters before touching the cluster, naming each parameter and value', async () => {
    const { cluster } = start();
    const r = await run(cluster, 'provision-postgres', {
      db_name: 'My_DB',
      namespace: 'production',
      team_id: 'team',
      version: '12',
      replicas: 0,
      size: 'huge',
    });
    expect(r.status).toBe('failed');
    expect(r.error?.code).toBe('PARAMETER_INVALID');
    const text = r.error!.message;
    expect(text).toContain(`parameter 'db_name' must match pattern "^[a-z]([-a-z0-9]*[a-z0-9])?$" (got "My_DB")`);
    expect(text).toContain(`parameter 'version' must be one of "14", "15", "16", "17" (got "12")`);
    expect(text).toContain(`parameter 'replicas' must be >= 1 (got 0)`);
    expect(text).toContain(`parameter 'size' must be one of "small", "medium", "large" (got "huge")`);
    expect(cluster.list('acid.zalan.do/v1', 'postgresql')).toEqual([]);
  });

  it.each([
    { field: 'team_id', value: 'a'.repeat(25), message: 'must NOT have more than 24 characters' },
    { field: 'db_name', value: 'd'.repeat(34), message: 'must NOT have more than 33 characters' },
    { field: 'namespace', value: 'Prod', message: 'must match pattern' },
    { field: 'wait_timeout', value: '1h', message: 'must match pattern' },
    { field: 'version', value: 16, message: 'must be string (got 16)' },
    { field: 'replicas', value: 2.5, message: 'must be integer (got 2.5)' },
  ] as Array<{ field: string; value: unknown; message: string }>)('rejects $field = $value', async ({ field, value, message }) => {
    const { cluster } = start();
    const r = await run(cluster, 'provision-postgres', { ...BASE, [field]: value });
    expect(r.error?.code).toBe('PARAMETER_INVALID');
    expect(r.error?.message).toContain(`parameter '${field}' ${message}`);
  });

  it('accepts the longest names: a 58-character cluster name, which the team-prefix check allows', async () => {
    const { cluster, operator } = start({ enableTeamIdClusterPrefix: true });
    const params = { db_name: 'd'.repeat(33), namespace: 'production', team_id: 't'.repeat(24) };
    const r = await run(cluster, 'provision-postgres', params);
    expect(r.error?.describe()).toBeUndefined();
    expect(revealAll(r.outputs).cluster_name).toHaveLength(58);
    expect(operator.transitions.at(-1)?.status).toBe('Running');
  });
});
