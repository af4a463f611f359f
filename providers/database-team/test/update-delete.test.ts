import { describe, expect, it, vi } from 'vitest';
import { revealAll } from '@innominatus/core';
import { createFakeClock } from '@innominatus/core/testing';
import type { MockCluster, ZalandoOperator } from '@innominatus/steps-kubernetes/testing';
import { BASE, clustersClosedAfterEach, observedOperator, postgresql, run, runObserved } from './harness';

const start = clustersClosedAfterEach();

const stepsThat = (r: { events: Array<{ event: string }> }, event: string) =>
  r.events.filter((e) => e.event === event).map((e) => (e as unknown as { step: string }).step);

const PG_LIST = '/apis/acid.zalan.do/v1/namespaces/production/postgresqls';

/**
 * Holds every list of postgresqls made after the update's apply (wait-for-database's) until the
 * operator has written `status` after transition `from`: the operator has finished before the wait
 * starts watching, however slow the machine, and the held list answers with the state at release.
 */
function holdWaitUntilOperatorWrote(cluster: MockCluster, operator: ZalandoOperator, from: number, status: string): void {
  const applies = () => cluster.countRequests({ verb: 'patch', path: `${PG_LIST}/team-myapp-db` });
  const appliesBefore = applies();
  const written = vi.waitFor(() => expect(operator.transitions.slice(from).map((t) => t.status)).toContain(status), { timeout: 10_000 });
  // A release that never comes (the operator did not write it) shows in the test's assertions, not as an unhandled rejection.
  written.catch(() => undefined);
  cluster.faults.delay({ verb: 'list', path: PG_LIST, match: () => applies() > appliesBefore, until: written });
}

/** The progress messages of one step. */
const progressOf = (r: { events: Array<{ event: string }> }, step: string) =>
  r.events
    .filter((e) => e.event === 'step:progress' && (e as unknown as { step: string }).step === step)
    .map((e) => (e as unknown as { message: string }).message);

/** What the wait reports for a status written before the update's apply (not newer than the apply's resourceVersion). */
const stale = (status: string) =>
  expect.stringMatching(
    new RegExp(
      `^postgresql production/team-myapp-db: \\{"PostgresClusterStatus":"${status}"\\} \\(resourceVersion \\d+, not newer than sinceResourceVersion \\d+\\)$`,
    ),
  );
/** What the wait reports for a status written after the update's apply. */
const current = (status: string) => `postgresql production/team-myapp-db: {"PostgresClusterStatus":"${status}"}`;

describe('update-postgres', () => {
  it('changes size and replicas of a provisioned cluster and waits for Updating to end in Running', async () => {
    const clock = createFakeClock();
    const { cluster, operator } = start(observedOperator(clock));
    const created = await runObserved(cluster, clock, 'provision-postgres', { ...BASE });
    expect(created.status).toBe('succeeded');
    const before = operator.transitions.length;

    const r = await runObserved(cluster, clock, 'update-postgres', { ...BASE, size: 'medium', replicas: 3, version: '16', wait_timeout: '20s' });
    expect(r.error?.describe()).toBeUndefined();
    expect(r.status).toBe('succeeded');
    const spec = postgresql(cluster, 'team-myapp-db')!.spec as Record<string, any>;
    expect(spec.numberOfInstances).toBe(3);
    expect(spec.postgresql).toEqual({ version: '16' });
    expect(spec.volume).toEqual({ size: '20Gi' });
    expect(spec.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2000m', memory: '2Gi' } });
    // The run ended only after the operator had applied the change: the wait observed the old
    // Running first (the operator takes the change up only after that), then Updating, then Running.
    expect(operator.transitions.slice(before).map((t) => t.status)).toEqual(['Updating', 'Running']);
    expect(progressOf(r, 'wait-for-database')).toEqual([stale('Running'), current('Updating'), current('Running')]);
    // The spec change moved the generation, so the wait counted only the operator's later statuses.
    expect(postgresql(cluster, 'team-myapp-db')!.metadata.generation).toBe(2);
    expect(stepsThat(r, 'step:succeeded')).toEqual(['read-cluster', 'update-postgres-cluster', 'wait-for-database', 'get-credentials']);
    expect(stepsThat(r, 'step:skipped')).toEqual([]);
    // Same outputs as provision: same Secret, same password.
    expect(revealAll(r.outputs)).toEqual(revealAll(created.outputs));
  });

  it.each([
    ['instantly (no pickup or update delay)', { pickupDelayMs: 0, updateDelayMs: 0 }],
    ['with no pickup delay', { pickupDelayMs: 0, updateDelayMs: 20 }],
  ])('succeeds when the operator finishes the update %s, before the wait starts watching', async (_, delays) => {
    const { cluster, operator } = start(delays);
    const created = await run(cluster, 'provision-postgres', { ...BASE });
    expect(created.status).toBe('succeeded');
    const before = operator.transitions.length;
    holdWaitUntilOperatorWrote(cluster, operator, before, 'Running');
    const r = await run(cluster, 'update-postgres', { ...BASE, replicas: 4, wait_timeout: '20s' });
    expect(r.error?.describe()).toBeUndefined();
    expect(operator.transitions.slice(before).map((t) => t.status)).toEqual(['Updating', 'Running']);
    // The wait saw the operator's Running, written after the apply, in its first list.
    expect(progressOf(r, 'wait-for-database')).toEqual(['postgresql production/team-myapp-db: {"PostgresClusterStatus":"Running"}']);
    expect((postgresql(cluster, 'team-myapp-db')!.spec as Record<string, any>).numberOfInstances).toBe(4);
    expect(revealAll(r.outputs)).toEqual(revealAll(created.outputs));
  });

  it('fails on an UpdateFailed written before the wait starts watching', async () => {
    const { cluster, operator } = start({ pickupDelayMs: 0, updateDelayMs: 0, scripts: { 'team-myapp-db': { update: 'UpdateFailed' } } });
    await run(cluster, 'provision-postgres', { ...BASE });
    holdWaitUntilOperatorWrote(cluster, operator, operator.transitions.length, 'UpdateFailed');
    const r = await run(cluster, 'update-postgres', { ...BASE, replicas: 4, wait_timeout: '20s' });
    expect(r.status).toBe('failed');
    expect((r.error as { step?: string }).step).toBe('wait-for-database');
    expect(r.error?.message).toContain('postgresql production/team-myapp-db');
    expect(r.error?.message).toContain('observed status: {"PostgresClusterStatus":"UpdateFailed"}');
  });

  it('changes nothing and does not wait for an update when the spec is unchanged', async () => {
    const { cluster, operator } = start();
    await run(cluster, 'provision-postgres', { ...BASE, size: 'large' });
    const before = operator.transitions.length;
    const rv = postgresql(cluster, 'team-myapp-db')!.metadata.resourceVersion;
    const r = await run(cluster, 'update-postgres', { ...BASE, size: 'large', wait_timeout: '20s' });
    expect(r.error?.describe()).toBeUndefined();
    // No newer resourceVersion will come: the wait takes the current Running at once.
    expect(stepsThat(r, 'step:skipped')).toEqual([]);
    expect(progressOf(r, 'wait-for-database')).toEqual(['postgresql production/team-myapp-db: {"PostgresClusterStatus":"Running"}']);
    expect(operator.transitions.length).toBe(before);
    expect(postgresql(cluster, 'team-myapp-db')!.metadata.generation).toBe(1);
    expect(postgresql(cluster, 'team-myapp-db')!.metadata.resourceVersion).toBe(rv);
  });

  it('does not wait for a new status when the apply changes only labels (same generation, newer resourceVersion)', async () => {
    const { cluster, operator } = start();
    await run(cluster, 'provision-postgres', { ...BASE });
    // Someone removed a label by hand: the apply puts it back, a metadata-only change.
    cluster.apply({
      apiVersion: 'acid.zalan.do/v1',
      kind: 'postgresql',
      metadata: { name: 'team-myapp-db', namespace: 'production', labels: { 'innominatus.io/provider': null } },
    } as never);
    const edited = postgresql(cluster, 'team-myapp-db')!;
    expect(edited.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'innominatus' });
    const before = operator.transitions.length;
    const r = await run(cluster, 'update-postgres', { ...BASE, wait_timeout: '5s' });
    expect(r.error?.describe()).toBeUndefined();
    expect(r.status).toBe('succeeded');
    const after = postgresql(cluster, 'team-myapp-db')!;
    expect(after.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'innominatus', 'innominatus.io/provider': 'database-team' });
    expect(Number(after.metadata.resourceVersion)).toBeGreaterThan(Number(edited.metadata.resourceVersion));
    expect(after.metadata.generation).toBe(1);
    // No newer status will come from the operator: the wait takes the current Running at once.
    expect(progressOf(r, 'wait-for-database')).toEqual(['postgresql production/team-myapp-db: {"PostgresClusterStatus":"Running"}']);
    expect(operator.transitions.length).toBe(before);
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

  it('fails at once on a failed cluster when the spec is unchanged, naming the state', async () => {
    const { cluster, operator } = start({ scripts: { 'team-myapp-db': { update: 'UpdateFailed' } } });
    await run(cluster, 'provision-postgres', { ...BASE });
    const failed = await run(cluster, 'update-postgres', { ...BASE, replicas: 4, wait_timeout: '20s' });
    expect(failed.status).toBe('failed');
    const before = operator.transitions.length;
    const r = await run(cluster, 'update-postgres', { ...BASE, replicas: 4, wait_timeout: '20s' });
    expect(r.status).toBe('failed');
    // "At once": the failure condition ended the wait, not its 20 s timeout.
    expect(r.error?.cause).toMatchObject({ code: 'K8S_CONDITION_FAILED' });
    expect((r.error as { step?: string }).step).toBe('wait-for-database');
    expect(r.error?.message).toContain('observed status: {"PostgresClusterStatus":"UpdateFailed"}');
    expect(operator.transitions.length).toBe(before);
  });

  it('updates a cluster whose last update failed, instead of failing on the stale UpdateFailed', async () => {
    const clock = createFakeClock();
    const { cluster, operator } = start({ ...observedOperator(clock), scripts: { 'team-myapp-db': { update: 'UpdateFailed' } } });
    await runObserved(cluster, clock, 'provision-postgres', { ...BASE });
    const failed = await runObserved(cluster, clock, 'update-postgres', { ...BASE, replicas: 4, wait_timeout: '20s' });
    expect(failed.status).toBe('failed');
    expect(postgresql(cluster, 'team-myapp-db')!.status).toEqual({ PostgresClusterStatus: 'UpdateFailed' });

    operator.script('team-myapp-db', { update: 'Running' });
    const before = operator.transitions.length;
    const r = await runObserved(cluster, clock, 'update-postgres', { ...BASE, replicas: 5, wait_timeout: '20s' });
    expect(r.error?.describe()).toBeUndefined();
    expect(operator.transitions.slice(before).map((t) => t.status)).toEqual(['Updating', 'Running']);
    expect(progressOf(r, 'wait-for-database')).toEqual([stale('UpdateFailed'), current('Updating'), current('Running')]);
    expect((postgresql(cluster, 'team-myapp-db')!.spec as Record<string, any>).numberOfInstances).toBe(5);
  });

  it('sets up a cluster the operator had refused (Invalid) at its next periodic sync after the changed spec', async () => {
    // The operator leaves an Invalid cluster alone until the periodic sync, which syncs it (never Creating again).
    const { cluster, operator } = start({ scripts: { 'team-myapp-db': { create: 'Invalid' } } });
    const refused = await run(cluster, 'provision-postgres', { ...BASE });
    expect(refused.error?.message).toContain('{"PostgresClusterStatus":"Invalid"}');

    const before = operator.transitions.length;
    const updating = run(cluster, 'update-postgres', { ...BASE, size: 'medium', wait_timeout: '20s' });
    // The periodic sync comes once the changed spec is stored (what its timer would do, later).
    await vi.waitFor(() => expect(postgresql(cluster, 'team-myapp-db')!.metadata.generation).toBe(2));
    expect(operator.transitions.length).toBe(before);
    operator.resync();
    const r = await updating;
    expect(r.error?.describe()).toBeUndefined();
    expect(stepsThat(r, 'step:succeeded')).toEqual(['read-cluster', 'update-postgres-cluster', 'wait-for-database', 'get-credentials']);
    expect(operator.transitions.slice(before).map((t) => t.status)).toEqual(['Running']);
  });

  it("fails at the apply, with the API server's 422, when the changed spec is outside the CRD (a version the operator line does not accept)", async () => {
    // An operator line whose CRD does not accept PostgreSQL 17 yet: the API server refuses the
    // object, the operator never sees it, and the stored cluster is left as it was.
    const { cluster, operator } = start({ acceptedVersions: ['14', '15', '16'] });
    await run(cluster, 'provision-postgres', { ...BASE, version: '16' });
    const before = operator.transitions.length;
    const stored = postgresql(cluster, 'team-myapp-db')!;
    const r = await run(cluster, 'update-postgres', { ...BASE, version: '17', wait_timeout: '20s' });
    expect(r.status).toBe('failed');
    expect((r.error as { step?: string }).step).toBe('update-postgres-cluster');
    expect(r.error?.message).toContain(
      '(HTTP 422): postgresql.acid.zalan.do "team-myapp-db" is invalid: spec.postgresql.version: Unsupported value: "17": supported values: "14", "15", "16"',
    );
    expect(operator.transitions.length).toBe(before);
    expect(postgresql(cluster, 'team-myapp-db')!.metadata.resourceVersion).toBe(stored.metadata.resourceVersion);
  });

  it('a provision with a version outside the CRD fails at the apply and creates nothing', async () => {
    const { cluster, operator } = start({ acceptedVersions: ['14', '15', '16'] });
    const refused = await run(cluster, 'provision-postgres', { ...BASE, version: '17' });
    expect(refused.status).toBe('failed');
    expect((refused.error as { step?: string }).step).toBe('create-postgres-cluster');
    expect(refused.error?.message).toContain('spec.postgresql.version: Unsupported value: "17": supported values: "14", "15", "16"');
    expect(postgresql(cluster, 'team-myapp-db')).toBeUndefined();
    expect(operator.transitions).toEqual([]);
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
    // The operator deletes the cluster's objects (PVCs, the data, too) after the cluster is gone.
    await vi.waitFor(() => {
      for (const kind of ['Secret', 'Service', 'PersistentVolumeClaim', 'Pod']) expect(cluster.list('v1', kind, children)).toEqual([]);
    });
  });

  it('waits for finalizers before it reports the cluster gone', async () => {
    const { cluster } = start();
    await run(cluster, 'provision-postgres', { ...BASE });
    const ref = { apiVersion: 'acid.zalan.do/v1', kind: 'postgresql', name: 'team-myapp-db', namespace: 'production' };
    cluster.apply({ ...ref, metadata: { name: ref.name, namespace: ref.namespace, finalizers: ['postgres-operator.acid.zalan.do'] } } as never);
    const watches = () => cluster.countRequests({ verb: 'watch', path: PG_LIST });
    const watchesBefore = watches();
    let ended = false;
    const deleting = run(cluster, 'delete-postgres', { ...BASE }).finally(() => {
      ended = true;
    });
    // The finalizer goes once the delete step watches the cluster it marked for deletion.
    await vi.waitFor(() => expect(watches()).toBeGreaterThan(watchesBefore));
    expect(postgresql(cluster, 'team-myapp-db')!.metadata.deletionTimestamp).toEqual(expect.any(String));
    // The run ends after the finalizer went, not when the deletion started.
    expect(ended).toBe(false);
    cluster.delete(ref, { immediate: true });
    const r = await deleting;
    expect(r.status).toBe('succeeded');
    expect(postgresql(cluster, 'team-myapp-db')).toBeUndefined();
  });

  it('succeeds for a cluster that is already gone', async () => {
    const { cluster } = start();
    const r = await run(cluster, 'delete-postgres', { ...BASE });
    expect(r.status).toBe('succeeded');
    expect(r.events.find((e) => e.event === 'step:progress' && (e as { message?: string }).message?.includes('does not exist'))).toBeDefined();
  });
});
