import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFakeClock } from '@innominatus/core/testing';
import { kubernetesApply, KubernetesClient } from '@innominatus/steps-kubernetes';
import { zalandoPostgresOperator, type MockCluster } from '@innominatus/steps-kubernetes/testing';
import { context, FAST_RETRY, harness, rejection } from './harness';
import { SERVE_MODES, servedCluster } from './serve-modes';

const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { LOG_LEVEL: 'info' } };
const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } };
/** Writes into a namespace that does not exist are 404, as on a real cluster. */
const WITH_APPS = { namespaces: ['default', 'apps'] };

describe.each(SERVE_MODES)('kubernetes-apply through %s', (mode) => {
  let cluster: MockCluster;
  let client: KubernetesClient;
  afterEach(async () => cluster.close());

  it('applies with field manager innominatus, gives the step namespace to namespaced objects, and outputs what was stored', async () => {
    ({ cluster, client } = await harness(mode));
    const step = kubernetesApply({ client });
    const out = await step.run({ manifests: [namespace, configMap], namespace: 'apps' }, context());
    const cm = cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', namespace: 'apps' })!;
    const ns = cluster.get({ apiVersion: 'v1', kind: 'Namespace', name: 'apps' })!;
    expect(out).toEqual({
      objects: [
        { apiVersion: 'v1', kind: 'Namespace', name: 'apps', uid: ns.metadata.uid, resourceVersion: ns.metadata.resourceVersion },
        { apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', namespace: 'apps', uid: cm.metadata.uid, resourceVersion: cm.metadata.resourceVersion },
      ],
    });
    const patch = cluster.requests.find((r) => r.verb === 'patch' && r.path === '/api/v1/namespaces/apps/configmaps/settings')!;
    expect(patch.query).toEqual({ fieldManager: 'innominatus', force: 'true' });
  });

  it('changes nothing when applied a second time', async () => {
    ({ cluster, client } = await harness(mode, WITH_APPS));
    const step = kubernetesApply({ client });
    const first = await step.run({ manifests: [configMap], namespace: 'apps' }, context());
    const rvBefore = cluster.store.resourceVersion;
    const second = await step.run({ manifests: [configMap], namespace: 'apps' }, context());
    expect(second).toEqual(first);
    expect(cluster.store.resourceVersion).toBe(rvBefore);
  });

  it('outputs a generation that stays on a label-only change and on status writes, and moves on a spec change', async () => {
    ({ cluster, client } = await harness(mode, WITH_APPS));
    zalandoPostgresOperator(cluster, { createDelayMs: 0, updateDelayMs: 0 });
    const step = kubernetesApply({ client });
    const pg = {
      apiVersion: 'acid.zalan.do/v1',
      kind: 'postgresql',
      metadata: { name: 'team-db' },
      spec: { teamId: 'team', numberOfInstances: 1, postgresql: { version: '17' }, volume: { size: '1Gi' } },
    };
    const ref = { apiVersion: 'acid.zalan.do/v1', kind: 'postgresql', name: 'team-db', namespace: 'apps' };
    const created = (await step.run({ manifests: [pg], namespace: 'apps' }, context())).objects[0]!;
    expect(created.generation).toBe(1);
    await expect.poll(() => cluster.get(ref)!.status).toEqual({ PostgresClusterStatus: 'Running' });
    expect(cluster.get(ref)!.metadata.generation).toBe(1);
    const goldPg = { ...pg, metadata: { ...pg.metadata, labels: { tier: 'gold' } } };
    const labelled = (await step.run({ manifests: [goldPg], namespace: 'apps' }, context())).objects[0]!;
    expect(labelled.resourceVersion).not.toBe(created.resourceVersion);
    expect(labelled.generation).toBe(1);
    const twoInstancesPg = { ...pg, spec: { ...pg.spec, numberOfInstances: 2 } };
    const resized = (await step.run({ manifests: [twoInstancesPg], namespace: 'apps' }, context())).objects[0]!;
    expect(resized.generation).toBe(2);
    await expect.poll(() => cluster.get(ref)!.status).toEqual({ PostgresClusterStatus: 'Running' });
    expect(cluster.get(ref)!.metadata.generation).toBe(2);
  });

  it('uses the kubeconfig namespace when neither manifest nor step names one, and force: false is passed on', async () => {
    ({ cluster, client } = await harness(mode, WITH_APPS));
    const out = await kubernetesApply({ client }).run({ manifests: [configMap], force: false }, context());
    expect(out.objects[0]!.namespace).toBe('default');
    expect(cluster.requests.find((r) => r.verb === 'patch')!.query.force).toBe('false');
  });

  it('fails at once with the API message on a 4xx such as 422', async () => {
    ({ cluster, client } = await harness(mode, WITH_APPS));
    zalandoPostgresOperator(cluster);
    const bad = {
      apiVersion: 'acid.zalan.do/v1',
      kind: 'postgresql',
      metadata: { name: 'team-db' },
      spec: { teamId: 'team', numberOfInstances: 1, postgresql: { version: '17' }, volume: { size: 'lots' } },
    };
    const err = await rejection(kubernetesApply({ client }).run({ manifests: [bad], namespace: 'apps' }, context()));
    expect(err.kubernetesCode).toBe('K8S_REJECTED');
    expect(err.retryable).toBe(false);
    expect(err.message).toBe(
      'manifests[0] (postgresql apps/team-db): patch postgresqls.acid.zalan.do "team-db" in namespace "apps" was rejected (HTTP 422): postgresql.acid.zalan.do "team-db" is invalid: spec.volume.size: Invalid value: "lots": spec.volume.size in body should match \'^(\\d+(e\\d+)?|\\d+(\\.\\d+)?(e\\d+)?[EPTGMK]i?)$\'',
    );
    expect(cluster.countRequests({ verb: 'patch' })).toBe(1);
  });

  it('retries 429 honouring Retry-After, then 500 and a connection reset, then succeeds', async () => {
    // The backoff waits on a fake clock: the test sees the wait after the 429 and moves time itself.
    const clock = createFakeClock();
    const served = await servedCluster(mode, WITH_APPS);
    cluster = served.cluster;
    client = new KubernetesClient(served.kubeConfig, { retry: { ...FAST_RETRY, clock } });
    const path = '/api/v1/namespaces/apps/configmaps/settings';
    const tries = () => cluster.requests.filter((r) => r.path === path).length;
    cluster.faults.failNext({ path, status: 429, retryAfter: 1 });
    cluster.faults.failNext({ path, status: 500 });
    cluster.faults.failNext({ path, reset: true });
    let settled = false;
    const applied = kubernetesApply({ client })
      .run({ manifests: [configMap], namespace: 'apps' }, context())
      .finally(() => {
        settled = true;
      });
    await vi.waitFor(() => expect([tries(), clock.pending()]).toEqual([1, 1]), { timeout: 10_000, interval: 5 });
    // Retry-After: 1 is longer than any backoff of FAST_RETRY (at most 20 ms): no second try 999 ms later, one at 1 s.
    await clock.advance(999);
    expect([tries(), clock.pending()]).toEqual([1, 1]);
    await clock.advance(1);
    await vi.waitFor(() => expect(tries()).toBe(2), { timeout: 10_000, interval: 5 });
    // Then the 500's and the reset's short backoffs, until the apply lands.
    while (!settled) {
      await vi.waitFor(() => expect(settled || clock.pending() === 1).toBe(true), { timeout: 10_000, interval: 5 });
      if (!settled) await clock.next();
    }
    const out = await applied;
    expect(out.objects[0]!.name).toBe('settings');
    expect(cluster.requests.filter((r) => r.path === path).map((r) => r.status)).toEqual([429, 500, -1, 201]);
  });

  it('gives up on a lasting 503 with a retryable error', async () => {
    ({ cluster, client } = await harness(mode, WITH_APPS));
    cluster.faults.failNext({ verb: 'patch', status: 503, times: 100 });
    const err = await rejection(kubernetesApply({ client }).run({ manifests: [configMap], namespace: 'apps' }, context()));
    expect(err.kubernetesCode).toBe('K8S_UNAVAILABLE');
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('the API server is unavailable (HTTP 503: injected 503 (ServiceUnavailable))');
    expect(cluster.countRequests({ verb: 'patch' })).toBe(5);
  });

  it('names verb, resource and namespace on a 403', async () => {
    ({ cluster, client } = await harness(mode, WITH_APPS));
    cluster.faults.failNext({
      verb: 'patch',
      status: 403,
      message: 'configmaps "settings" is forbidden: User "ci" cannot patch resource "configmaps" in API group "" in the namespace "apps"',
    });
    const err = await rejection(kubernetesApply({ client }).run({ manifests: [configMap], namespace: 'apps' }, context()));
    expect(err.kubernetesCode).toBe('K8S_FORBIDDEN');
    expect(err.message).toBe(
      'manifests[0] (ConfigMap apps/settings): forbidden: cannot patch configmaps "settings" in namespace "apps": configmaps "settings" is forbidden: User "ci" cannot patch resource "configmaps" in API group "" in the namespace "apps". Grant the \'patch\' verb on \'configmaps\' in namespace \'apps\' to the identity in the kubeconfig',
    );
    expect(cluster.countRequests({ verb: 'patch' })).toBe(1);
  });

  it('says when the cluster does not serve a kind', async () => {
    ({ cluster, client } = await harness(mode, WITH_APPS));
    const err = await rejection(
      kubernetesApply({ client }).run({ manifests: [{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }] }, context()),
    );
    expect(err.kubernetesCode).toBe('K8S_NOT_FOUND');
    expect(err.message).toBe("the cluster does not serve kind 'Widget' in 'example.com/v1' (is its CustomResourceDefinition installed?)");
  });
});
