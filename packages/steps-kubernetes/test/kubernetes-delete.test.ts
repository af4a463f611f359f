import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFakeClock, createMockStepContext } from '@innominatus/core/testing';
import { KubernetesClient, kubernetesDelete } from '@innominatus/steps-kubernetes';
import type { MockCluster } from '@innominatus/steps-kubernetes/testing';
import { context, harness, rejection } from './harness';
import { SERVE_MODES } from './serve-modes';

const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', namespace: 'apps' };

describe.each(SERVE_MODES)('kubernetes-delete through %s', (mode) => {
  let cluster: MockCluster;
  let client: KubernetesClient;
  afterEach(async () => cluster.close());

  it('treats a missing object as success', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    const ctx = context();
    const out = await kubernetesDelete({ client }).run({ resource: ref, wait: true }, ctx);
    expect(out).toEqual({ deleted: false, gone: true });
    expect(ctx.progressUpdates.map((p) => p.message)).toEqual(['ConfigMap apps/cm does not exist']);
  });

  it('deletes, and with wait resolves once the object is gone', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'apps' } });
    expect(await kubernetesDelete({ client }).run({ resource: ref, wait: true }, context())).toEqual({ deleted: true, gone: true });
    expect(cluster.get(ref)).toBeUndefined();
  });

  it('waits for finalizers, and times out naming them', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'apps', finalizers: ['example.com/cleanup'] } });
    // The wait's timeout runs on the step's clock: time moves only once the wait has listed the object (its watch opens after the list).
    const clock = createFakeClock();
    const timingOut = rejection(
      kubernetesDelete({ client }).run({ resource: ref, wait: true, timeout: '2s' }, createMockStepContext({ timeoutMs: 10_000, clock })),
    );
    await vi.waitFor(() => expect(cluster.countRequests({ verb: 'watch' })).toBe(1), { timeout: 20_000 });
    await clock.advance(2000);
    const err = await timingOut;
    expect(err.kubernetesCode).toBe('K8S_WAIT_TIMEOUT');
    expect(err.message).toBe('ConfigMap apps/cm was still there after 2s (finalizers: example.com/cleanup); last observed status: no status yet');
    // The finalizer goes while the next wait watches: it ends without time moving at all.
    const waiting = kubernetesDelete({ client }).run({ resource: ref, wait: true, timeout: '5s' }, createMockStepContext({ timeoutMs: 10_000, clock }));
    await vi.waitFor(() => expect(cluster.countRequests({ verb: 'watch' })).toBe(2), { timeout: 20_000 });
    cluster.store.mergePatch(cluster.store.requireKind('v1', 'ConfigMap'), 'apps', 'cm', { metadata: { finalizers: null } });
    expect(await waiting).toEqual({ deleted: true, gone: true });
    expect(cluster.get(ref)).toBeUndefined();
  });

  it('returns without waiting when wait is not set', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'apps' } });
    expect(await kubernetesDelete({ client }).run({ resource: ref }, context())).toEqual({ deleted: true, gone: false });
    expect(cluster.countRequests({ verb: 'watch' })).toBe(0);
  });

  it('retries a 500 on delete, and fails at once on a 403 naming verb, resource and namespace', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'apps' } });
    cluster.faults.failNext({ verb: 'delete', status: 500 });
    expect(await kubernetesDelete({ client }).run({ resource: ref }, context())).toEqual({ deleted: true, gone: false });
    cluster.faults.failNext({ verb: 'delete', status: 403, message: 'no' });
    const err = await rejection(kubernetesDelete({ client }).run({ resource: ref }, context()));
    expect(err.message).toBe(
      "forbidden: cannot delete configmaps \"cm\" in namespace \"apps\": no. Grant the 'delete' verb on 'configmaps' in namespace 'apps' to the identity in the kubeconfig",
    );
  });
});
