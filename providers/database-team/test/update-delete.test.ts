import { afterEach, describe, expect, it } from 'vitest';
import type { MockCluster, ZalandoOperatorOptions } from '@innominatus/steps-kubernetes/testing';
import { BASE, operatorCluster, postgresql, revealed, run } from './harness';

let cluster: MockCluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

function start(options: ZalandoOperatorOptions = {}) {
  const made = operatorCluster(options);
  cluster = made.cluster;
  return made;
}

const stepsThat = (r: { events: Array<{ event: string }> }, event: string) =>
  r.events.filter((e) => e.event === event).map((e) => (e as unknown as { step: string }).step);

describe('update-postgres', () => {
  it('changes size and replicas of a provisioned cluster and waits for Updating to end in Running', async () => {
    const { cluster, operator } = start();
    const created = await run(cluster, 'provision-postgres', { ...BASE });
    expect(created.status).toBe('succeeded');
    const before = operator.transitions.length;

    const r = await run(cluster, 'update-postgres', { ...BASE, size: 'medium', replicas: 3, version: '16', wait_timeout: '20s' });
    expect(r.error?.describe()).toBeUndefined();
    expect(r.status).toBe('succeeded');
    const spec = postgresql(cluster, 'team-myapp-db')!.spec as Record<string, any>;
    expect(spec.numberOfInstances).toBe(3);
    expect(spec.postgresql).toEqual({ version: '16' });
    expect(spec.volume).toEqual({ size: '20Gi' });
    expect(spec.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2000m', memory: '2Gi' } });
    // The run ended only after the operator had applied the change.
    expect(operator.transitions.slice(before).map((t) => t.status)).toEqual(['Updating', 'Running']);
    expect(stepsThat(r, 'step:succeeded')).toEqual(['read-cluster', 'update-postgres-cluster', 'wait-for-update-to-start', 'wait-for-database', 'get-credentials']);
    // Same outputs as provision: same Secret, same password.
    expect(revealed(r.outputs)).toEqual(revealed(created.outputs));
  });

  it('changes nothing and does not wait for an update when the spec is unchanged', async () => {
    const { cluster, operator } = start();
    await run(cluster, 'provision-postgres', { ...BASE, size: 'large' });
    const before = operator.transitions.length;
    const r = await run(cluster, 'update-postgres', { ...BASE, size: 'large' });
    expect(r.status).toBe('succeeded');
    expect(stepsThat(r, 'step:skipped')).toEqual(['wait-for-update-to-start', 'wait-for-revalidation']);
    expect(operator.transitions.length).toBe(before);
    expect(postgresql(cluster, 'team-myapp-db')!.metadata.generation).toBe(1);
  });

  it('fails on UpdateFailed, naming the cluster and the status', async () => {
    const { cluster } = start({ scripts: { 'team-myapp-db': { update: 'UpdateFailed' } } });
    await run(cluster, 'provision-postgres', { ...BASE });
    const r = await run(cluster, 'update-postgres', { ...BASE, replicas: 4, wait_timeout: '20s' });
    expect(r.status).toBe('failed');
    expect((r.error as { step?: string }).step).toBe('wait-for-database');
    expect(r.error?.message).toContain('postgresql production/team-myapp-db');
    expect(r.error?.message).toContain('observed status: {"PostgresClusterStatus":"UpdateFailed"}');
  });

  it('updates a cluster whose last update failed, instead of failing on the stale UpdateFailed', async () => {
    const { cluster, operator } = start({ scripts: { 'team-myapp-db': { update: 'UpdateFailed' } } });
    await run(cluster, 'provision-postgres', { ...BASE });
    const failed = await run(cluster, 'update-postgres', { ...BASE, replicas: 4, wait_timeout: '20s' });
    expect(failed.status).toBe('failed');
    expect(postgresql(cluster, 'team-myapp-db')!.status).toEqual({ PostgresClusterStatus: 'UpdateFailed' });

    operator.script('team-myapp-db', { update: 'Running' });
    const before = operator.transitions.length;
    const r = await run(cluster, 'update-postgres', { ...BASE, replicas: 5, wait_timeout: '20s' });
    expect(r.error?.describe()).toBeUndefined();
    expect(operator.transitions.slice(before).map((t) => t.status)).toEqual(['Updating', 'Running']);
    expect((postgresql(cluster, 'team-myapp-db')!.spec as Record<string, any>).numberOfInstances).toBe(5);
  });

  it('sets up a cluster the operator had refused (Invalid) once the changed spec is accepted', async () => {
    const { cluster, operator } = start({ scripts: { 'team-myapp-db': { create: 'Invalid' } } });
    const refused = await run(cluster, 'provision-postgres', { ...BASE });
    expect(refused.error?.message).toContain('{"PostgresClusterStatus":"Invalid"}');

    operator.script('team-myapp-db', { create: 'Running' });
    const before = operator.transitions.length;
    const r = await run(cluster, 'update-postgres', { ...BASE, size: 'medium', wait_timeout: '20s' });
    expect(r.error?.describe()).toBeUndefined();
    expect(stepsThat(r, 'step:skipped')).toEqual(['wait-for-update-to-start']);
    expect(stepsThat(r, 'step:succeeded')).toContain('wait-for-revalidation');
    expect(operator.transitions.slice(before).map((t) => t.status)).toEqual(['Creating', 'Running']);
  });

  it('fails at once when the changed spec is refused (Invalid)', async () => {
    // An operator line that does not accept PostgreSQL 17 yet.
    const { cluster, operator } = start({ acceptedVersions: ['14', '15', '16'] });
    await run(cluster, 'provision-postgres', { ...BASE });
    const before = operator.transitions.length;
    const r = await run(cluster, 'update-postgres', { ...BASE, version: '17', wait_timeout: '20s' });
    expect(r.status).toBe('failed');
    expect((r.error as { step?: string }).step).toBe('wait-for-database');
    expect(r.error?.message).toContain('postgresql production/team-myapp-db');
    expect(r.error?.message).toContain('{"PostgresClusterStatus":"Invalid"}');
    expect(operator.transitions.slice(before).map((t) => t.status)).toEqual(['Invalid']);
  });
});

describe('delete-postgres', () => {
  it('deletes a provisioned cluster with its Secrets and Services and waits until it is gone', async () => {
    const { cluster } = start();
    await run(cluster, 'provision-postgres', { ...BASE });
    const children = { labelSelector: 'cluster-name=team-myapp-db', namespace: 'production' };
    expect(cluster.list('v1', 'Secret', children).length).toBe(4); // postgres, standby, owner, app
    expect(cluster.list('v1', 'Service', children).length).toBe(2);

    const r = await run(cluster, 'delete-postgres', { ...BASE });
    expect(r.error?.describe()).toBeUndefined();
    expect(r.outputs).toEqual({ cluster_name: 'team-myapp-db', namespace: 'production' });
    expect(postgresql(cluster, 'team-myapp-db')).toBeUndefined();
    expect(cluster.list('v1', 'Secret', children)).toEqual([]);
    expect(cluster.list('v1', 'Service', children)).toEqual([]);
  });

  it('waits for finalizers before it reports the cluster gone', async () => {
    const { cluster } = start();
    await run(cluster, 'provision-postgres', { ...BASE });
    const ref = { apiVersion: 'acid.zalan.do/v1', kind: 'postgresql', name: 'team-myapp-db', namespace: 'production' };
    cluster.apply({ ...ref, metadata: { name: ref.name, namespace: ref.namespace, finalizers: ['postgres-operator.acid.zalan.do'] } } as never);
    // The operator's finalizer goes 300ms after deletion starts.
    cluster.events.on('modified', (e: { object: { kind?: string; metadata: { name: string; deletionTimestamp?: string } } }) => {
      if (e.object.kind === 'postgresql' && e.object.metadata.deletionTimestamp) {
        setTimeout(() => cluster.delete(ref, { immediate: true }), 300);
      }
    });
    const began = Date.now();
    const r = await run(cluster, 'delete-postgres', { ...BASE });
    expect(r.status).toBe('succeeded');
    expect(Date.now() - began).toBeGreaterThanOrEqual(250);
    expect(postgresql(cluster, 'team-myapp-db')).toBeUndefined();
  });

  it('succeeds for a cluster that is already gone', async () => {
    const { cluster } = start();
    const r = await run(cluster, 'delete-postgres', { ...BASE });
    expect(r.status).toBe('succeeded');
    expect(r.events.find((e) => e.event === 'step:progress' && (e as { message?: string }).message?.includes('does not exist'))).toBeDefined();
  });
});
