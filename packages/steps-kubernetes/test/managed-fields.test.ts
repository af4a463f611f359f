import { describe, expect, it } from 'vitest';
import { createMockCluster, type MockObject } from '@innominatus/steps-kubernetes/testing';
import { GADGET_CRD } from './crd/gadget-crd';

const gadget = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): MockObject => ({
  apiVersion: 'example.com/v1',
  kind: 'Gadget',
  metadata: { name: 'g', namespace: 'default', ...metadata },
  spec,
});

function setup() {
  const cluster = createMockCluster();
  const [kind] = cluster.installCrds(GADGET_CRD);
  return { cluster, store: cluster.store, kind: kind! };
}

const fields = (o: MockObject) =>
  (o.metadata.managedFields as Array<{ manager: string; operation: string; fieldsV1: unknown }>).map((e) => [e.manager, e.operation, e.fieldsV1]);

describe('managedFields', () => {
  it('tracks writes that are not applies as the API server does: new objects and items are owned with ".", changed fields move to the writer', () => {
    const { store, kind } = setup();
    store.create(kind, gadget({ items: [{ name: 'a', value: '1' }], labels: { x: 'y' } }), { fieldManager: 'creator' });
    const patched = store.patch(kind, 'default', 'g', 'json', [{ op: 'replace', path: '/spec/items/0/value', value: '2' }], { fieldManager: 'patcher' }).object;
    expect(fields(patched)).toEqual([
      [
        'creator',
        'Update',
        {
          'f:spec': {
            '.': {},
            'f:items': { '.': {}, 'k:{"name":"a"}': { '.': {}, 'f:name': {} } },
            'f:labels': { '.': {}, 'f:x': {} },
          },
        },
      ],
      ['patcher', 'Update', { 'f:spec': { 'f:items': { 'k:{"name":"a"}': { 'f:value': {} } } } }],
    ]);
  });

  it("owns metadata.finalizers per value and ownerReferences per uid: two appliers keep each other's, a dropped one goes", () => {
    const { store, kind } = setup();
    const owner = (uid: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: `cm-${uid}`, uid });
    store.apply(kind, gadget({}, { finalizers: ['a.example.com/f'], ownerReferences: [owner('u1')] }), { fieldManager: 'one' });
    store.apply(kind, gadget({}, { finalizers: ['b.example.com/f'], ownerReferences: [owner('u2')] }), { fieldManager: 'two' });
    const both = store.get(kind, 'default', 'g')!;
    expect([both.metadata.finalizers, both.metadata.ownerReferences]).toEqual([
      ['a.example.com/f', 'b.example.com/f'],
      [owner('u1'), owner('u2')],
    ]);
    expect(fields(both)[1]).toEqual([
      'two',
      'Apply',
      {
        'f:metadata': {
          'f:finalizers': { 'v:"b.example.com/f"': {} },
          'f:ownerReferences': { 'k:{"uid":"u2"}': { '.': {}, 'f:apiVersion': {}, 'f:kind': {}, 'f:name': {}, 'f:uid': {} } },
        },
        'f:spec': {},
      },
    ]);
    const dropped = store.apply(kind, gadget({}, { ownerReferences: [owner('u1')] }), { fieldManager: 'one' }).object;
    expect([dropped.metadata.finalizers, dropped.metadata.ownerReferences]).toEqual([['b.example.com/f'], [owner('u1'), owner('u2')]]);
  });

  it('names a conflict on an item of a map list by its keys, and refuses an item without its key fields', () => {
    const { store, kind } = setup();
    store.apply(kind, gadget({ items: [{ name: 'a', value: '1' }] }), { fieldManager: 'one' });
    expect(() => store.apply(kind, gadget({ items: [{ name: 'a', value: '2' }] }), { fieldManager: 'two' })).toThrow(
      'Apply failed with 1 conflict: conflict with "one" using example.com/v1: .spec.items[name="a"].value',
    );
    expect(() => store.apply(kind, gadget({ items: [{ value: '2' }] }), { fieldManager: 'two' })).toThrow(
      '.spec.items: element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)',
    );
  });
});
