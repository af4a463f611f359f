import { describe, expect, it } from 'vitest';
import { createMockCluster, type MockCluster, type MockObject, type StoreEvent } from '@innominatus/steps-kubernetes/testing';

const configMap = (name: string, metadata: Record<string, unknown> = {}): MockObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default', ...metadata },
});
const ownedBy = (owner: MockObject, blockOwnerDeletion?: boolean) => [
  { apiVersion: 'v1', kind: 'ConfigMap', name: owner.metadata.name, uid: owner.metadata.uid, ...(blockOwnerDeletion ? { blockOwnerDeletion } : {}) },
];

/** owner ← child (blocking) ← grandchild (blocking, held by a finalizer); owner ← loose (not blocking). */
function family(cluster: MockCluster) {
  const owner = cluster.apply(configMap('owner'));
  const child = cluster.apply(configMap('child', { ownerReferences: ownedBy(owner, true) }));
  cluster.apply(configMap('grandchild', { ownerReferences: ownedBy(child, true), finalizers: ['example.com/hold'] }));
  cluster.apply(configMap('loose', { ownerReferences: ownedBy(owner) }));
  const kind = cluster.store.requireKind('v1', 'ConfigMap');
  const get = (name: string) => cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name, namespace: 'default' });
  const deleted: string[] = [];
  cluster.events.on('deleted', (e: StoreEvent) => deleted.push(e.object.metadata.name));
  return { kind, get, deleted };
}

describe('garbage collection in the mock cluster', () => {
  it('foreground: the owner and each blocking dependent wait, marked, for their dependents; then go, deepest first', () => {
    const cluster = createMockCluster();
    const { kind, get, deleted } = family(cluster);
    const marked = cluster.store.delete(kind, 'default', 'owner', { propagationPolicy: 'Foreground' });
    expect(marked.metadata.finalizers).toEqual(['foregroundDeletion']);
    expect(marked.metadata.deletionTimestamp).toEqual(expect.any(String));
    expect(deleted).toEqual(['loose']);
    expect(get('owner')!.metadata.finalizers).toEqual(['foregroundDeletion']);
    expect(get('child')!.metadata.finalizers).toEqual(['foregroundDeletion']);
    expect(get('child')!.metadata.deletionTimestamp).toEqual(expect.any(String));
    expect(get('grandchild')!.metadata.finalizers).toEqual(['example.com/hold']);
    expect(get('grandchild')!.metadata.deletionTimestamp).toEqual(expect.any(String));

    cluster.store.mergePatch(kind, 'default', 'grandchild', { metadata: { finalizers: null } });
    expect(deleted).toEqual(['loose', 'grandchild', 'child', 'owner']);
    expect(cluster.list('v1', 'ConfigMap')).toEqual([]);
  });

  it("foreground keeps the owner's own finalizers: it is Terminating until they are removed too", () => {
    const cluster = createMockCluster();
    const owner = cluster.apply(configMap('owner', { finalizers: ['example.com/mine'] }));
    cluster.apply(configMap('child', { ownerReferences: ownedBy(owner, true) }));
    const kind = cluster.store.requireKind('v1', 'ConfigMap');
    cluster.store.delete(kind, 'default', 'owner', { propagationPolicy: 'Foreground' });
    const left = cluster.list('v1', 'ConfigMap');
    expect(left.map((o) => [o.metadata.name, o.metadata.finalizers])).toEqual([['owner', ['example.com/mine']]]);
  });

  it('a foreground dry run marks nothing and deletes no dependent', () => {
    const cluster = createMockCluster();
    const { kind, get, deleted } = family(cluster);
    const answer = cluster.store.delete(kind, 'default', 'owner', { propagationPolicy: 'Foreground', dryRun: true });
    expect(answer.metadata.finalizers).toEqual(['foregroundDeletion']);
    expect(get('owner')!.metadata.finalizers).toBeUndefined();
    expect(get('owner')!.metadata.deletionTimestamp).toBeUndefined();
    expect(deleted).toEqual([]);
  });

  it('background (the default) removes the owner at once, then its dependents; orphan keeps them without the reference', () => {
    const cluster = createMockCluster();
    const { kind, get, deleted } = family(cluster);
    cluster.store.delete(kind, 'default', 'owner');
    expect(deleted).toEqual(['owner', 'child', 'loose']);
    expect(get('grandchild')!.metadata.deletionTimestamp).toEqual(expect.any(String));

    const other = createMockCluster();
    const o = family(other);
    other.store.delete(o.kind, 'default', 'owner', { propagationPolicy: 'Orphan' });
    expect(o.deleted).toEqual(['owner']);
    expect(o.get('child')!.metadata.ownerReferences).toBeUndefined();
    expect(o.get('loose')!.metadata.ownerReferences).toBeUndefined();
    expect(o.get('grandchild')!.metadata.ownerReferences).toEqual([expect.objectContaining({ name: 'child', blockOwnerDeletion: true })]);
  });
});
