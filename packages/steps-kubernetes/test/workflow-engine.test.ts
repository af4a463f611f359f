import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, isSensitive, reveal, StepRegistry, type Workflow } from '@innominatus/core';
import { kubernetesSteps } from '@innominatus/steps-kubernetes';
import { zalandoPostgresOperator, type MockCluster } from '@innominatus/steps-kubernetes/testing';
import { FAST_RETRY } from './harness';
import { servedCluster } from './serve-modes';

const workflow: Workflow = {
  apiVersion: 'innominatus.io/v1',
  kind: 'Workflow',
  metadata: { name: 'postgres' },
  parameters: [{ name: 'name', type: 'string' }],
  steps: [
    {
      name: 'apply',
      type: 'kubernetes-apply',
      with: {
        namespace: 'apps',
        manifests: [
          {
            apiVersion: 'acid.zalan.do/v1',
            kind: 'postgresql',
            metadata: { name: '${{ parameters.name }}' },
            spec: { teamId: 'team', numberOfInstances: 1, postgresql: { version: '17' }, volume: { size: '1Gi' }, users: { myapp_app: [] } },
          },
        ],
      },
    },
    {
      name: 'ready',
      type: 'wait-for-condition',
      with: {
        resource: { apiVersion: 'acid.zalan.do/v1', kind: 'postgresql', name: '${{ parameters.name }}', namespace: 'apps' },
        successWhen: "has(object.status) && object.status.PostgresClusterStatus == 'Running'",
        failureWhen: "has(object.status) && object.status.PostgresClusterStatus.endsWith('Failed')",
        timeout: '5s',
      },
    },
    {
      name: 'credentials',
      type: 'read-secret',
      with: { name: 'myapp-app.${{ parameters.name }}.credentials.postgresql.acid.zalan.do', namespace: 'apps', keys: ['username', 'password'] },
    },
  ],
  outputs: {
    uid: '${{ steps["apply"].outputs.objects[0].uid }}',
    username: '${{ steps["credentials"].outputs.data.username }}',
    password: '${{ steps["credentials"].outputs.data.password }}',
  },
};

describe('the Kubernetes steps in the engine', () => {
  let cluster: MockCluster;
  afterEach(async () => cluster.close());

  it('runs apply → wait → read-secret against the simulator, with the password sensitive everywhere', async () => {
    const served = await servedCluster('listen', { namespaces: ['apps'] });
    cluster = served.cluster;
    zalandoPostgresOperator(cluster, { pickupDelayMs: 10, createDelayMs: 50 });
    const registry = new StepRegistry().registerAll(kubernetesSteps({ kubeconfig: served.kubeConfig, retry: FAST_RETRY }));
    expect(registry.types()).toEqual(['generate-secret', 'kubernetes-apply', 'kubernetes-delete', 'read-secret', 'wait-for-condition']);
    const engine = createEngine({ steps: registry });
    const events: unknown[] = [];
    for (const e of ['step:started', 'step:succeeded', 'step:failed', 'step:progress', 'run:succeeded', 'run:failed'] as const)
      engine.events.on(e, (p: unknown) => events.push(p));
    const result = await engine.run(workflow, { parameters: { name: 'team-db' } });
    const secret = cluster.get({ apiVersion: 'v1', kind: 'Secret', name: 'myapp-app.team-db.credentials.postgresql.acid.zalan.do', namespace: 'apps' })!;
    const password = Buffer.from((secret.data as Record<string, string>).password!, 'base64').toString();
    expect(result.outputs.uid).toBe(cluster.get({ apiVersion: 'acid.zalan.do/v1', kind: 'postgresql', name: 'team-db', namespace: 'apps' })!.metadata.uid);
    expect(isSensitive(result.outputs.password)).toBe(true);
    expect(reveal(result.outputs.password)).toBe(password);
    expect(reveal(result.outputs.username)).toBe('myapp_app');
    const journal = JSON.stringify(await engine.journal.listSteps(result.runId));
    expect(journal).not.toContain(password);
    expect(JSON.stringify(events)).not.toContain(password);
    expect(JSON.stringify(events)).toContain('{\\"PostgresClusterStatus\\":\\"Running\\"}');
  });

  it('applies a Secret from a sensitive parameter without the value reaching events, journal or outputs', async () => {
    const served = await servedCluster('nock', { namespaces: ['apps'] });
    cluster = served.cluster;
    const engine = createEngine({ steps: kubernetesSteps({ kubeconfig: served.kubeConfig, retry: FAST_RETRY }) });
    const events: unknown[] = [];
    for (const e of ['step:started', 'step:succeeded', 'step:failed', 'step:progress', 'run:succeeded', 'run:failed'] as const)
      engine.events.on(e, (p: unknown) => events.push(p));
    const wf: Workflow = {
      apiVersion: 'innominatus.io/v1',
      kind: 'Workflow',
      metadata: { name: 'secret' },
      parameters: [{ name: 'password', type: 'string', sensitive: true }],
      steps: [
        {
          name: 'apply',
          type: 'kubernetes-apply',
          with: {
            namespace: 'apps',
            manifests: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'app' }, stringData: { password: '${{ parameters.password }}' } }],
          },
        },
      ],
      outputs: { rv: '${{ steps["apply"].outputs.objects[0].resourceVersion }}' },
    };
    const result = await engine.run(wf, { parameters: { password: 'Tr0ub4dor-and-3' } });
    const stored = cluster.get({ apiVersion: 'v1', kind: 'Secret', name: 'app', namespace: 'apps' })!;
    expect((stored.data as Record<string, string>).password).toBe(Buffer.from('Tr0ub4dor-and-3').toString('base64'));
    const everything = JSON.stringify([events, await engine.journal.listSteps(result.runId), result.outputs]);
    expect(everything).not.toContain('Tr0ub4dor');
    expect(everything).not.toContain(Buffer.from('Tr0ub4dor-and-3').toString('base64'));
    expect(result.outputs.rv).toBe(stored.metadata.resourceVersion);
  });
});
