import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, type StepDefinition } from '@innominatus/core';
import { guessResource, kubernetesSteps, permissionStepTypes, stepPermissions } from '@innominatus/steps-kubernetes';
import { zalandoPostgresOperator, type MockCluster } from '@innominatus/steps-kubernetes/testing';
import { FAST_RETRY } from './harness';
import { servedCluster } from './serve-modes';

/** `group/resource` of a request path: `/apis/acid.zalan.do/v1/namespaces/apps/postgresqls/x` → `acid.zalan.do/postgresqls`. */
function resourceOf(path: string): string {
  const seg = path.split('/').filter(Boolean);
  const group = seg[0] === 'api' ? '' : seg[1]!;
  const rest = seg[0] === 'api' ? seg.slice(2) : seg.slice(3);
  return `${group}/${rest[0] === 'namespaces' && rest.length >= 3 ? rest[2] : rest[0]}`;
}

describe('stepPermissions', () => {
  let cluster: MockCluster | undefined;
  afterEach(async () => cluster?.close());

  it('grants every request each step example makes to the API server (server-side apply also needs create)', async () => {
    const order = ['kubernetes-apply', 'wait-for-condition', 'read-secret', 'generate-secret', 'kubernetes-delete'];
    expect(permissionStepTypes()).toEqual([...order].sort());
    const seen: Record<string, Record<string, string[]>> = {};
    const granted: Record<string, Record<string, string[]>> = {};
    for (const type of order) {
      // A cluster and client per step, so a watch a step opens late is not counted for the next one.
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
      const example = steps.find((s) => s.type === type)!.examples![0]!;
      const result = await createEngine({ steps }).run({
        apiVersion: 'innominatus.io/v1',
        kind: 'Workflow',
        metadata: { name: type },
        steps: [{ name: 's', type, with: example.with }],
      });
      expect(result.status).toBe('succeeded');
      for (const p of stepPermissions(type, example.with)!) {
        const { group, resource } = guessResource(p.apiVersion as string, p.kind as string);
        const byResource = granted[type] ?? {};
        granted[type] = byResource;
        byResource[`${group}/${resource}`] = p.verbs;
      }
      for (const r of cluster.requests.filter((x) => x.verb !== 'discovery')) {
        const byResource = seen[type] ?? {};
        seen[type] = byResource;
        const verbs = byResource[resourceOf(r.path)] ?? [];
        byResource[resourceOf(r.path)] = verbs;
        if (!verbs.includes(r.verb)) verbs.push(r.verb);
      }
      await cluster.close();
    }
    for (const type of order) {
      for (const [resource, verbs] of Object.entries(seen[type]!)) {
        expect({ type, resource, verbs: verbs.filter((v) => !granted[type]![resource]?.includes(v)) }).toEqual({ type, resource, verbs: [] });
      }
    }
    expect(Object.fromEntries(order.map((t) => [t, Object.keys(seen[t]!)]))).toEqual(Object.fromEntries(order.map((t) => [t, Object.keys(granted[t]!)])));
    expect(seen['kubernetes-apply']).toEqual({ '/configmaps': ['patch'] });
    expect(granted).toEqual({
      'kubernetes-apply': { '/configmaps': ['create', 'patch'] },
      'wait-for-condition': { 'acid.zalan.do/postgresqls': ['list', 'watch'] },
      'read-secret': { '/secrets': ['get', 'watch'] },
      'generate-secret': { '/secrets': ['get', 'create', 'patch'] },
      'kubernetes-delete': { 'acid.zalan.do/postgresqls': ['delete', 'list', 'watch'] },
    });
  });

  it('narrows by input: no watch without wait; a wait given as an expression may be true', () => {
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'x' };
    expect(stepPermissions('kubernetes-delete', { resource: ref })).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', verbs: ['delete'], pointer: '/resource' }]);
    expect(stepPermissions('kubernetes-delete', { resource: ref, wait: '${{ parameters.wait }}' })![0]!.verbs).toEqual(['delete', 'list', 'watch']);
    expect(stepPermissions('read-secret', { name: 'x', wait: false })![0]!.verbs).toEqual(['get']);
    expect(stepPermissions('kubernetes-apply', { manifests: '${{ vars.manifests }}' })).toBeUndefined();
    expect(stepPermissions('my-plugin-step', {})).toBeUndefined();
  });

  it('guesses resource names as kubectl does', () => {
    expect(guessResource('acid.zalan.do/v1', 'postgresql')).toEqual({ group: 'acid.zalan.do', resource: 'postgresqls' });
    expect(guessResource('networking.k8s.io/v1', 'NetworkPolicy')).toEqual({ group: 'networking.k8s.io', resource: 'networkpolicies' });
    expect(guessResource('v1', 'Endpoints')).toEqual({ group: '', resource: 'endpoints' });
    expect(guessResource('example.com/v1', 'Class')).toEqual({ group: 'example.com', resource: 'classes' });
    expect(guessResource('apps/v1', 'StatefulSet')).toEqual({ group: 'apps', resource: 'statefulsets' });
  });
});
