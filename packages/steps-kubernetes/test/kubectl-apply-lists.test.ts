import { describe } from 'vitest';
import type { MockObject } from '@innominatus/steps-kubernetes/testing';
import { GADGET_CRD } from './crd/gadget-crd';
import { kubectlIt as it } from './kubectl-harness';

const gadget = (spec: Record<string, unknown>): MockObject => ({
  apiVersion: 'example.com/v1',
  kind: 'Gadget',
  metadata: { name: 'g', namespace: 'apps' },
  spec,
});
const gadgetRef = { apiVersion: 'example.com/v1', kind: 'Gadget', name: 'g', namespace: 'apps' };

const deployment = (containers: unknown[], extra: Record<string, unknown> = {}): MockObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'apps' },
  spec: { ...extra, template: { spec: { containers } } },
});
const deploymentRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'apps' };

/** The managedFields of an object without their times: manager, operation and fieldsV1. */
function owners(o: MockObject): Array<{ manager: string; operation: string; fieldsV1: unknown }> {
  return (o.metadata.managedFields as Array<{ manager: string; operation: string; fieldsV1: unknown }>).map(({ manager, operation, fieldsV1 }) => ({
    manager,
    operation,
    fieldsV1,
  }));
}

/** Server-side apply by kubectl (default flags) merges lists by their schema: items owned one by one, as a real API server does. */
describe.concurrent('kubectl apply --server-side with list types', () => {
  it('merges map and set lists item by item between two field managers, replaces atomic ones, removes dropped items, conflicts per item', async ({
    expect,
    startCluster,
  }) => {
    const k = await startCluster();
    expect((await k.kubectl(['apply', '--server-side', '-f', k.file('crd.json', GADGET_CRD)])).code).toBe(0);
    const apply = (manager: string, spec: Record<string, unknown>, force = false) =>
      k.kubectl(['apply', '--server-side', '--field-manager', manager, ...(force ? ['--force-conflicts'] : []), '-f', k.file(`${manager}.json`, gadget(spec))]);

    const alice = await apply('alice', {
      items: [
        { name: 'a', value: '1' },
        { name: 'b', value: '2' },
      ],
      tags: ['x', 'y'],
      args: ['p', 'q'],
    });
    expect(alice.stdout.trim()).toBe('gadget.example.com/g serverside-applied');
    expect((await apply('bob', { items: [{ name: 'c', value: '3' }], tags: ['z'], args: ['r'] }, true)).code).toBe(0);
    const item = (name: string) => ({ [`k:{"name":"${name}"}`]: { '.': {}, 'f:name': {}, 'f:value': {} } });
    expect(k.running.cluster.get(gadgetRef)!.spec).toEqual({
      items: [
        { name: 'a', value: '1' },
        { name: 'b', value: '2' },
        { name: 'c', value: '3' },
      ],
      tags: ['x', 'y', 'z'],
      args: ['r'],
    });
    // The atomic list went to bob, who forced it; alice keeps her items and tags.
    expect(owners(k.running.cluster.get(gadgetRef)!)).toEqual([
      { manager: 'alice', operation: 'Apply', fieldsV1: { 'f:spec': { 'f:items': { ...item('a'), ...item('b') }, 'f:tags': { 'v:"x"': {}, 'v:"y"': {} } } } },
      { manager: 'bob', operation: 'Apply', fieldsV1: { 'f:spec': { 'f:args': {}, 'f:items': item('c'), 'f:tags': { 'v:"z"': {} } } } },
    ]);

    // alice drops item b and tag y: they go, bob's stay.
    expect((await apply('alice', { items: [{ name: 'a', value: '1' }], tags: ['x'] })).code).toBe(0);
    expect(k.running.cluster.get(gadgetRef)!.spec).toEqual({
      items: [
        { name: 'a', value: '1' },
        { name: 'c', value: '3' },
      ],
      tags: ['x', 'z'],
      args: ['r'],
    });

    // bob changing alice's item conflicts on that item's field only; forced, he takes that field over.
    const conflict = await apply('bob', { items: [{ name: 'a', value: '9' }] });
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain('Apply failed with 1 conflict: conflict with "alice" using example.com/v1: .spec.items[name="a"].value');
    expect((await apply('bob', { items: [{ name: 'a', value: '9' }] }, true)).code).toBe(0);
    expect(k.running.cluster.get(gadgetRef)!.spec).toEqual({ items: [{ name: 'a', value: '9' }], tags: ['x'] });
    expect(owners(k.running.cluster.get(gadgetRef)!)).toEqual([
      {
        manager: 'alice',
        operation: 'Apply',
        fieldsV1: { 'f:spec': { 'f:items': { 'k:{"name":"a"}': { '.': {}, 'f:name': {} } }, 'f:tags': { 'v:"x"': {} } } },
      },
      { manager: 'bob', operation: 'Apply', fieldsV1: { 'f:spec': { 'f:items': item('a') } } },
    ]);
  }, 60_000);

  it("merges a Deployment's containers by name and their ports by port and protocol, the selector as a whole", async ({ expect, startCluster }) => {
    const k = await startCluster();
    const apply = (manager: string, o: MockObject, force = false) =>
      k.kubectl(['apply', '--server-side', '--field-manager', manager, ...(force ? ['--force-conflicts'] : []), '-f', k.file(`${manager}.json`, o)]);
    const app = { name: 'app', image: 'app:1', ports: [{ containerPort: 80 }] };
    const labels = { selector: { matchLabels: { app: 'web' } }, replicas: 1 };
    const first = deployment([app], { ...labels, template: undefined });
    (first.spec as Record<string, unknown>).template = { metadata: { labels: { app: 'web' } }, spec: { containers: [app] } };
    expect((await apply('ci', first)).stdout.trim()).toBe('deployment.apps/web serverside-applied');
    expect((await apply('mesh', deployment([{ name: 'proxy', image: 'proxy:1', ports: [{ containerPort: 15001, protocol: 'UDP' }] }]))).code).toBe(0);

    const spec = k.running.cluster.get(deploymentRef)!.spec as { template: { spec: { containers: unknown[] } } };
    // The API server defaults a container port's protocol to TCP.
    expect(spec.template.spec.containers).toEqual([
      { ...app, ports: [{ containerPort: 80, protocol: 'TCP' }] },
      { name: 'proxy', image: 'proxy:1', ports: [{ containerPort: 15001, protocol: 'UDP' }] },
    ]);
    expect(owners(k.running.cluster.get(deploymentRef)!)).toEqual([
      {
        manager: 'ci',
        operation: 'Apply',
        fieldsV1: {
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:template': {
              'f:metadata': { 'f:labels': { 'f:app': {} } },
              'f:spec': {
                'f:containers': {
                  'k:{"name":"app"}': {
                    '.': {},
                    'f:image': {},
                    'f:name': {},
                    'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
                  },
                },
              },
            },
          },
        },
      },
      {
        manager: 'mesh',
        operation: 'Apply',
        fieldsV1: {
          'f:spec': {
            'f:template': {
              'f:spec': {
                'f:containers': {
                  'k:{"name":"proxy"}': {
                    '.': {},
                    'f:image': {},
                    'f:name': {},
                    'f:ports': { 'k:{"containerPort":15001,"protocol":"UDP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} } },
                  },
                },
              },
            },
          },
        },
      },
    ]);

    const conflict = await apply('mesh', deployment([{ name: 'app', image: 'app:2' }]));
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain('Apply failed with 1 conflict: conflict with "ci" using apps/v1: .spec.template.spec.containers[name="app"].image');
    // ci stops applying its port: the port goes, the container stays with what ci still applies.
    expect(
      (
        await apply('ci', {
          ...first,
          spec: { ...labels, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'app:1' }] } } },
        })
      ).code,
    ).toBe(0);
    const after = k.running.cluster.get(deploymentRef)!.spec as { template: { spec: { containers: unknown[] } } };
    expect(after.template.spec.containers).toEqual([
      { name: 'app', image: 'app:1' },
      { name: 'proxy', image: 'proxy:1', ports: [{ containerPort: 15001, protocol: 'UDP' }] },
    ]);
    // A map list item without its key field is refused as the API server refuses it.
    const keyless = await apply('ci', deployment([{ image: 'nameless:1' }]));
    expect(keyless.code).toBe(1);
    expect(keyless.stderr).toContain('.spec.template.spec.containers: element 0: associative list with keys has an element that omits key field "name"');
  }, 60_000);
});
