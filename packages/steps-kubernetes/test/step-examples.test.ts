import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEngine, type StepDefinition, type Workflow } from '@innominatus/core';
import { kubernetesSteps } from '@innominatus/steps-kubernetes';
import { zalandoPostgresOperator, type MockCluster } from '@innominatus/steps-kubernetes/testing';
import { FAST_RETRY } from './harness';
import { servedCluster } from './serve-modes';

/** Every documented example runs, in this order, through the engine (so inputs are checked against the schemas) against the simulator. */
describe('step examples', () => {
  let cluster: MockCluster;
  afterEach(async () => cluster.close());

  it('all run successfully in one workflow', async () => {
    const served = await servedCluster('nock', { namespaces: ['apps'] });
    cluster = served.cluster;
    zalandoPostgresOperator(cluster, { pickupDelayMs: 5, createDelayMs: 20 });
    cluster.apply({
      apiVersion: 'acid.zalan.do/v1',
      kind: 'postgresql',
      metadata: { name: 'team-myapp-db', namespace: 'apps' },
      spec: { teamId: 'team', numberOfInstances: 1, postgresql: { version: '17' }, volume: { size: '1Gi' }, users: { myapp_app: [] } },
    });
    const steps = kubernetesSteps({ kubeconfig: served.kubeConfig, retry: FAST_RETRY }) as StepDefinition[];
    const order = ['kubernetes-apply', 'wait-for-condition', 'read-secret', 'generate-secret', 'kubernetes-delete'];
    const ordered = order.map((t) => steps.find((s) => s.type === t)!);
    const wf: Workflow = {
      apiVersion: 'innominatus.io/v1',
      kind: 'Workflow',
      metadata: { name: 'examples' },
      steps: ordered.flatMap((s) => (s.examples ?? []).map((e, i) => ({ name: `${s.type}-${i}`, type: s.type, with: e.with }))),
    };
    expect(wf.steps.map((s) => s.type)).toEqual(order);
    const result = await createEngine({ steps }).run(wf);
    expect(result.status).toBe('succeeded');
    expect(cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', namespace: 'apps' })?.data).toEqual({ LOG_LEVEL: 'info' });
    expect(cluster.get({ apiVersion: 'acid.zalan.do/v1', kind: 'postgresql', name: 'team-myapp-db', namespace: 'apps' })).toBeUndefined();
    // The operator removes the cluster's Secrets after the cluster is gone, as the real one does.
    await vi.waitFor(() =>
      expect(cluster.list('v1', 'Secret', { namespace: 'apps' }).map((s) => [s.metadata.name, Object.keys(s.data as object)])).toEqual([
        ['cache-redis-password', ['password']],
      ]),
    );
  });
});
