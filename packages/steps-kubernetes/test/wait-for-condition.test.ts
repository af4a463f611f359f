import { afterEach, describe, expect, it } from 'vitest';
import { isSensitive, reveal } from '@innominatus/core';
import { createFakeClock } from '@innominatus/core/testing';
import { KubernetesClient, waitForCondition } from '@innominatus/steps-kubernetes';
import { postgresqlCrd, zalandoPostgresOperator, type MockCluster, type MockObject } from '@innominatus/steps-kubernetes/testing';
import { context, harness, rejection, until } from './harness';
import { SERVE_MODES } from './serve-modes';
import { isNewerResourceVersion } from '../src/wait/resource-version';

const pg = (name: string): MockObject => ({
  apiVersion: 'acid.zalan.do/v1',
  kind: 'postgresql',
  metadata: { name, namespace: 'apps' },
  spec: { teamId: 'team', numberOfInstances: 1, postgresql: { version: '17' }, volume: { size: '1Gi' }, users: { myapp_app: [] } },
});
const resource = (name: string) => ({ apiVersion: 'acid.zalan.do/v1', kind: 'postgresql', name, namespace: 'apps' });
const RUNNING = "has(object.status) && object.status.PostgresClusterStatus == 'Running'";
const FAILED = "has(object.status) && object.status.PostgresClusterStatus in ['CreateFailed', 'UpdateFailed', 'SyncFailed', 'Invalid']";
const PG_PATH = '/apis/acid.zalan.do/v1/namespaces/apps/postgresqls';

describe.each(SERVE_MODES)('wait-for-condition through %s', (mode) => {
  let cluster: MockCluster;
  let client: KubernetesClient;
  afterEach(async () => cluster.close());

  it('waits for an object that does not exist yet, reports each status once, and outputs the final object', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    zalandoPostgresOperator(cluster, { pickupDelayMs: 30, createDelayMs: 60 });
    const ctx = context();
    const waiting = waitForCondition({ client }).run({ resource: resource('team-db'), successWhen: RUNNING, failureWhen: FAILED }, ctx);
    await until(() => cluster.countRequests({ verb: 'watch', path: PG_PATH }) === 1);
    cluster.apply(pg('team-db'));
    const out = await waiting;
    expect((out.object as MockObject).metadata.name).toBe('team-db');
    expect(out.status).toEqual({ PostgresClusterStatus: 'Running' });
    expect(ctx.progressUpdates.map((p) => p.message)).toEqual([
      'postgresql apps/team-db: the object does not exist',
      'postgresql apps/team-db: no status yet',
      'postgresql apps/team-db: {"PostgresClusterStatus":"Creating"}',
      'postgresql apps/team-db: {"PostgresClusterStatus":"Running"}',
    ]);
    expect(cluster.countRequests({ verb: 'list', path: PG_PATH })).toBe(1);
    expect(cluster.countRequests({ verb: 'watch', path: PG_PATH })).toBe(1);
  });

  it('fails when failureWhen holds, quoting the observed status', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    zalandoPostgresOperator(cluster, { pickupDelayMs: 5, createDelayMs: 20, scripts: { 'team-db': { create: 'CreateFailed' } } });
    cluster.apply(pg('team-db'));
    const err = await rejection(waitForCondition({ client }).run({ resource: resource('team-db'), successWhen: RUNNING, failureWhen: FAILED }, context()));
    expect(err.kubernetesCode).toBe('K8S_CONDITION_FAILED');
    expect(err.retryable).toBe(false);
    expect(err.message).toBe(`postgresql apps/team-db: failureWhen \`${FAILED}\` holds; observed status: {"PostgresClusterStatus":"CreateFailed"}`);
  });

  it('times out quoting the last observed status', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    zalandoPostgresOperator(cluster, { pickupDelayMs: 5, scripts: { 'team-db': { create: 'NeverReady' } } });
    cluster.apply(pg('team-db'));
    // The wait's timeout is on a fake clock, moved once the wait has observed Creating.
    const clock = createFakeClock();
    const ctx = context(10_000, clock);
    const failing = rejection(
      waitForCondition({ client }).run({ resource: resource('team-db'), successWhen: RUNNING, failureWhen: FAILED, timeout: '300ms' }, ctx),
    );
    await until(() => ctx.progressUpdates.some((p) => p.message === 'postgresql apps/team-db: {"PostgresClusterStatus":"Creating"}'), 20_000);
    await clock.advance(300);
    const err = await failing;
    expect(err.kubernetesCode).toBe('K8S_WAIT_TIMEOUT');
    expect(err.message).toBe(
      `postgresql apps/team-db: timed out after 300ms waiting for successWhen \`${RUNNING}\`; last observed status: {"PostgresClusterStatus":"Creating"}`,
    );
  });

  it('fails at once, naming the object, when an object it has seen is deleted', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    cluster.installCrds(postgresqlCrd());
    cluster.apply(pg('team-db'));
    const ctx = context(600_000);
    const waiting = waitForCondition({ client }).run({ resource: resource('team-db'), successWhen: RUNNING, timeout: '10m' }, ctx);
    await until(() => ctx.progressUpdates.length === 1);
    cluster.delete({ apiVersion: 'acid.zalan.do/v1', kind: 'postgresql', name: 'team-db', namespace: 'apps' });
    const err = await rejection(waiting);
    expect(err.kubernetesCode).toBe('K8S_OBJECT_DELETED');
    expect(err.retryable).toBe(false);
    expect(err.message).toBe(`postgresql apps/team-db was deleted while waiting for successWhen \`${RUNNING}\``);
    expect(ctx.progressUpdates.map((p) => p.message)).toEqual(['postgresql apps/team-db: no status yet', 'postgresql apps/team-db: the object does not exist']);
  });

  it('with mustExist, fails at once when the object is missing from the start', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    cluster.installCrds(postgresqlCrd());
    const err = await rejection(
      waitForCondition({ client }).run({ resource: resource('gone-db'), successWhen: RUNNING, mustExist: true, timeout: '10m' }, context(600_000)),
    );
    expect(err.kubernetesCode).toBe('K8S_OBJECT_DELETED');
    expect(err.message).toBe(
      `postgresql apps/gone-db does not exist (mustExist: an earlier step created it, so it was deleted) while waiting for successWhen \`${RUNNING}\``,
    );
  });

  it('with mustExist, reads the object once instead of failing when the shared watch has not caught up with it yet', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    cluster.installCrds(postgresqlCrd());
    // The shared watch has listed the kind but its stream opens late (held until the test releases it):
    // an object applied meanwhile is not in its cache.
    let release!: () => void;
    cluster.faults.delay({ verb: 'watch', path: PG_PATH, until: new Promise<void>((resolve) => (release = resolve)), times: 1 });
    const step = waitForCondition({ client });
    const other = step.run({ resource: resource('other-db'), successWhen: RUNNING }, context());
    await until(() => cluster.countRequests({ verb: 'watch', path: PG_PATH }) === 1);
    cluster.apply(pg('team-db'));
    const waiting = step.run({ resource: resource('team-db'), successWhen: RUNNING, mustExist: true, timeout: '10m' }, context(600_000));
    await until(() => cluster.countRequests({ verb: 'get', path: `${PG_PATH}/team-db` }) === 1);
    cluster.setStatus(resource('team-db'), { PostgresClusterStatus: 'Running' });
    release();
    const out = await waiting;
    expect(out.status).toEqual({ PostgresClusterStatus: 'Running' });
    expect(cluster.countRequests({ verb: 'list', path: PG_PATH })).toBe(1);
    cluster.apply(pg('other-db'));
    cluster.setStatus(resource('other-db'), { PostgresClusterStatus: 'Running' });
    await other;
  });

  it('quotes why successWhen could not be evaluated when it reads a missing field', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    zalandoPostgresOperator(cluster, { pickupDelayMs: 10_000 });
    cluster.apply(pg('team-db'));
    const clock = createFakeClock();
    const ctx = context(10_000, clock);
    const failing = rejection(
      waitForCondition({ client }).run({ resource: resource('team-db'), successWhen: "object.status.PostgresClusterStatus == 'Running'", timeout: 200 }, ctx),
    );
    // Time moves once the wait has observed the object (its first observation is its first progress report).
    await until(() => ctx.progressUpdates.length === 1, 20_000);
    await clock.advance(200);
    const err = await failing;
    expect(err.message).toMatch(/last observed status: no status yet; successWhen could not be evaluated: .*status/);
  });

  it('re-lists after a dropped watch and still sees the change', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    cluster.installCrds(postgresqlCrd());
    cluster.apply(pg('team-db'));
    cluster.faults.dropWatchAfter({ verb: 'watch', path: PG_PATH, events: 0 });
    const waiting = waitForCondition({ client }).run({ resource: resource('team-db'), successWhen: RUNNING }, context());
    await until(() => cluster.countRequests({ verb: 'watch', path: PG_PATH }) === 2);
    cluster.setStatus(resource('team-db'), { PostgresClusterStatus: 'Running' });
    const out = await waiting;
    expect(out.status).toEqual({ PostgresClusterStatus: 'Running' });
    expect(cluster.countRequests({ verb: 'list', path: PG_PATH })).toBe(2);
    expect(cluster.countRequests({ verb: 'watch', path: PG_PATH })).toBe(2);
  });

  it('re-lists after 410 Gone and still sees the change', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    cluster.installCrds(postgresqlCrd());
    cluster.apply(pg('team-db'));
    cluster.faults.goneOnWatch({ path: PG_PATH });
    const waiting = waitForCondition({ client }).run({ resource: resource('team-db'), successWhen: RUNNING }, context());
    await until(() => cluster.countRequests({ verb: 'watch', path: PG_PATH }) === 2);
    cluster.setStatus(resource('team-db'), { PostgresClusterStatus: 'Running' });
    await waiting;
    expect(cluster.countRequests({ verb: 'list', path: PG_PATH })).toBe(2);
    expect(cluster.countRequests({ verb: 'watch', path: PG_PATH })).toBe(2);
  });

  it('shares one list and one watch among 100 concurrent waits on one kind and namespace', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    const step = waitForCondition({ client });
    const waits = Array.from({ length: 100 }, (_, i) =>
      step.run(
        {
          resource: { apiVersion: 'v1', kind: 'ConfigMap', name: `cm-${i}`, namespace: 'apps' },
          successWhen: "has(object.data) && object.data.ready == 'yes'",
        },
        context(),
      ),
    );
    await until(() => cluster.countRequests({ verb: 'watch' }) === 1);
    for (let i = 0; i < 100; i++)
      cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: 'apps' }, data: { ready: 'yes' } });
    const outs = await Promise.all(waits);
    expect(outs.map((o) => (o.object as MockObject).metadata.name)).toEqual(Array.from({ length: 100 }, (_, i) => `cm-${i}`));
    expect(cluster.countRequests({ verb: 'list', path: '/api/v1/namespaces/apps/configmaps' })).toBe(1);
    expect(cluster.countRequests({ verb: 'watch', path: '/api/v1/namespaces/apps/configmaps' })).toBe(1);
    expect(cluster.countRequests({ verb: 'discovery' })).toBe(1);
    expect(client.hub.stats().watches).toBe(0);
  });

  it('with sinceResourceVersion, ignores the stale status of a changed object and succeeds on a newer observation', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    cluster.installCrds(postgresqlCrd());
    cluster.apply(pg('team-db'));
    // The last update failed; then the spec changes: the status is still the old one.
    cluster.setStatus(resource('team-db'), { PostgresClusterStatus: 'UpdateFailed' });
    const since = cluster.apply({ ...pg('team-db'), spec: { ...(pg('team-db').spec as object), numberOfInstances: 2 } }).metadata.resourceVersion!;
    const ctx = context();
    let settled = false;
    const waiting = waitForCondition({ client }).run(
      { resource: resource('team-db'), successWhen: RUNNING, failureWhen: FAILED, sinceResourceVersion: since },
      ctx,
    );
    void waiting.then(
      () => (settled = true),
      () => (settled = true),
    );
    await until(() => cluster.countRequests({ verb: 'watch', path: PG_PATH }) === 1);
    // The wait has judged the object it listed (its stale UpdateFailed is reported as progress) and decided nothing:
    // had the stale status decided it (failureWhen), it would have settled on that same observation.
    await until(() => ctx.progressUpdates.length === 1);
    await new Promise((r) => setImmediate(r));
    expect(ctx.progressUpdates[0]!.data).toMatchObject({ stale: true });
    expect(settled).toBe(false);
    cluster.setStatus(resource('team-db'), { PostgresClusterStatus: 'Updating' });
    const running = cluster.setStatus(resource('team-db'), { PostgresClusterStatus: 'Running' });
    const out = await waiting;
    expect(out.status).toEqual({ PostgresClusterStatus: 'Running' });
    expect((out.object as MockObject).metadata.resourceVersion).toBe(running.metadata.resourceVersion);
    expect(ctx.progressUpdates.map((p) => p.message)).toEqual([
      `postgresql apps/team-db: {"PostgresClusterStatus":"UpdateFailed"} (resourceVersion ${since}, not newer than sinceResourceVersion ${since})`,
      'postgresql apps/team-db: {"PostgresClusterStatus":"Updating"}',
      'postgresql apps/team-db: {"PostgresClusterStatus":"Running"}',
    ]);
    expect(ctx.progressUpdates[0]!.data).toEqual({ status: { PostgresClusterStatus: 'UpdateFailed' }, exists: true, stale: true });
    // A filter of this wait, not a watch of its own.
    expect(cluster.countRequests({ verb: 'list', path: PG_PATH })).toBe(1);
    expect(cluster.countRequests({ verb: 'watch', path: PG_PATH })).toBe(1);
  });

  it('with sinceResourceVersion, succeeds at once on an object that is already newer when the watch lists', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    cluster.installCrds(postgresqlCrd());
    const since = cluster.apply(pg('team-db')).metadata.resourceVersion!;
    // The operator went through Updating to Running before anyone watched.
    cluster.setStatus(resource('team-db'), { PostgresClusterStatus: 'Updating' });
    cluster.setStatus(resource('team-db'), { PostgresClusterStatus: 'Running' });
    const ctx = context();
    const out = await waitForCondition({ client }).run(
      { resource: resource('team-db'), successWhen: RUNNING, failureWhen: FAILED, sinceResourceVersion: since },
      ctx,
    );
    expect(out.status).toEqual({ PostgresClusterStatus: 'Running' });
    expect(ctx.progressUpdates.map((p) => p.message)).toEqual(['postgresql apps/team-db: {"PostgresClusterStatus":"Running"}']);
    expect(cluster.countRequests({ verb: 'list', path: PG_PATH })).toBe(1);
  });

  it('with sinceResourceVersion null, counts every observation', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    cluster.installCrds(postgresqlCrd());
    cluster.apply(pg('team-db'));
    cluster.setStatus(resource('team-db'), { PostgresClusterStatus: 'Running' });
    const out = await waitForCondition({ client }).run({ resource: resource('team-db'), successWhen: RUNNING, sinceResourceVersion: null }, context());
    expect(out.status).toEqual({ PostgresClusterStatus: 'Running' });
  });

  it('with sinceResourceVersion, times out quoting the stale observation and its resourceVersion', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    cluster.installCrds(postgresqlCrd());
    cluster.apply(pg('team-db'));
    const since = cluster.setStatus(resource('team-db'), { PostgresClusterStatus: 'Running' }).metadata.resourceVersion!;
    const clock = createFakeClock();
    const ctx = context(10_000, clock);
    const failing = rejection(
      waitForCondition({ client }).run({ resource: resource('team-db'), successWhen: RUNNING, sinceResourceVersion: since, timeout: '200ms' }, ctx),
    );
    await until(() => ctx.progressUpdates.length === 1, 20_000);
    await clock.advance(200);
    const err = await failing;
    expect(err.kubernetesCode).toBe('K8S_WAIT_TIMEOUT');
    expect(err.message).toBe(
      `postgresql apps/team-db: timed out after 200ms waiting for successWhen \`${RUNNING}\`; last observed status: {"PostgresClusterStatus":"Running"} (resourceVersion ${since}, not newer than sinceResourceVersion ${since})`,
    );
  });

  it("marks a waited-for Secret's data as sensitive in the output", async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    cluster.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'apps' }, data: { password: 'aHVudGVyMg==' } });
    const ctx = context();
    const out = await waitForCondition({ client }).run(
      { resource: { apiVersion: 'v1', kind: 'Secret', name: 's', namespace: 'apps' }, successWhen: 'has(object.data.password)' },
      ctx,
    );
    const data = (out.object as { data: Record<string, unknown> }).data;
    expect(isSensitive(data.password)).toBe(true);
    expect(reveal(data.password)).toBe('aHVudGVyMg==');
    expect(JSON.stringify(ctx.progressUpdates)).not.toContain('aHVudGVyMg');
  });

  it('fails at once on a 403 of the shared list, naming verb, resource and namespace', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    cluster.faults.failNext({ verb: 'list', path: PG_PATH, status: 403, message: 'postgresqls.acid.zalan.do is forbidden' });
    zalandoPostgresOperator(cluster);
    const err = await rejection(waitForCondition({ client }).run({ resource: resource('team-db'), successWhen: RUNNING }, context()));
    expect(err.kubernetesCode).toBe('K8S_FORBIDDEN');
    expect(err.message).toBe(
      "forbidden: cannot list postgresqls.acid.zalan.do in namespace \"apps\": postgresqls.acid.zalan.do is forbidden. Grant the 'list' verb on 'postgresqls.acid.zalan.do' in namespace 'apps' to the identity in the kubeconfig",
    );
  });

  it('fails on a 403 of the shared watch, naming the watch verb', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    cluster.faults.failNext({ verb: 'watch', path: PG_PATH, status: 403, message: 'no watch for you' });
    zalandoPostgresOperator(cluster);
    const err = await rejection(waitForCondition({ client }).run({ resource: resource('team-db'), successWhen: RUNNING }, context()));
    expect(err.kubernetesCode).toBe('K8S_FORBIDDEN');
    expect(err.message).toMatch(
      /^forbidden: cannot watch postgresqls\.acid\.zalan\.do in namespace "apps": .*Grant the 'watch' verb on 'postgresqls\.acid\.zalan\.do' in namespace 'apps'/,
    );
  });

  it('retries a 500 on the list and goes on', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    zalandoPostgresOperator(cluster);
    cluster.apply(pg('team-db'));
    cluster.setStatus(resource('team-db'), { PostgresClusterStatus: 'Running' });
    cluster.faults.failNext({ verb: 'list', path: PG_PATH, status: 500, times: 2 });
    await waitForCondition({ client }).run({ resource: resource('team-db'), successWhen: RUNNING }, context());
    expect(cluster.requests.filter((r) => r.verb === 'list').map((r) => r.status)).toEqual([500, 500, 200]);
  });

  it('rejects a condition that does not parse or does not give a boolean', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'apps' }, data: {} });
    const step = waitForCondition({ client });
    const syntax = await rejection(
      step.run({ resource: { apiVersion: 'v1', kind: 'ConfigMap', name: 'c', namespace: 'apps' }, successWhen: 'object.data ==' }, context()),
    );
    expect(syntax.kubernetesCode).toBe('K8S_EXPRESSION_INVALID');
    expect(syntax.message).toMatch(/^successWhen: expression 'object.data ==' does not parse/);
    const notBool = await rejection(
      step.run({ resource: { apiVersion: 'v1', kind: 'ConfigMap', name: 'c', namespace: 'apps' }, successWhen: 'object.metadata.name' }, context()),
    );
    expect(notBool.message).toBe('successWhen `object.metadata.name` must give true or false, but gave "c"');
  });

  it('stops waiting when the step is cancelled, and closes the shared watch', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    const ctx = context();
    const waiting = waitForCondition({ client }).run(
      { resource: { apiVersion: 'v1', kind: 'ConfigMap', name: 'never', namespace: 'apps' }, successWhen: 'true' },
      ctx,
    );
    await until(() => cluster.countRequests({ verb: 'watch' }) === 1);
    ctx.abort(new Error('cancelled by test'));
    const err = await rejection(waiting);
    expect(err.message).toBe('cancelled by test');
    expect(client.hub.stats()).toMatchObject({ watches: 0, listeners: 0 });
  });

  it('gives the cancellation reason when cancelled during discovery', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    cluster.faults.delay({ verb: 'discovery', ms: 200 });
    const ctx = context();
    const waiting = waitForCondition({ client }).run(
      { resource: { apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace: 'apps' }, successWhen: 'true' },
      ctx,
    );
    setTimeout(() => ctx.abort(new Error('cancelled by test')), 20);
    expect((await rejection(waiting)).message).toBe('cancelled by test');
  });
});

describe('isNewerResourceVersion', () => {
  it('compares integers as integers, also beyond 2^53', () => {
    expect(isNewerResourceVersion('10', '9')).toBe(true);
    expect(isNewerResourceVersion('9', '10')).toBe(false);
    expect(isNewerResourceVersion('10', '10')).toBe(false);
    expect(isNewerResourceVersion('9007199254740993', '9007199254740992')).toBe(true);
    expect(isNewerResourceVersion('9007199254740992', '9007199254740993')).toBe(false);
  });

  it('falls back to "different from" when either value is not an integer', () => {
    expect(isNewerResourceVersion('abc', 'abc')).toBe(false);
    expect(isNewerResourceVersion('abd', 'abc')).toBe(true);
    expect(isNewerResourceVersion('5', 'abc')).toBe(true);
    expect(isNewerResourceVersion(undefined, '5')).toBe(true);
  });
});
