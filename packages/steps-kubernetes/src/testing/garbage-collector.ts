import { withoutFinalizer } from './finalizers';
import { storedObject } from './lazy-copies';
import { isPlainObject } from './merge';
import { FOREGROUND_FINALIZER, type ObjectStore } from './object-store';
import type { MockObject, StoreEvent } from './types';

const CONTROLLER = { fieldManager: 'kube-controller-manager' };

/**
 * The garbage collector, run on every store change: the dependents of a
 * deleted owner are deleted (background, the default) or orphaned (their
 * ownerReferences to it removed). An owner deleted with propagation
 * `Foreground` carries the `foregroundDeletion` finalizer: its dependents
 * are deleted (those with `blockOwnerDeletion` in the foreground too), and
 * once no dependent with `blockOwnerDeletion: true` is left, the finalizer
 * is removed and the owner goes.
 */
export function collectGarbage(store: ObjectStore, e: StoreEvent): void {
  // Only read: the object as stored, without a copy.
  const changed = storedObject(e);
  if (e.type !== 'DELETED' && waitsForDependents(changed)) {
    deleteDependents(store, changed);
    finishIfUnblocked(store, changed);
  }
  if (e.type !== 'DELETED') return;
  const uid = changed.metadata.uid;
  if (uid) {
    for (const { kind, object } of store.dependentsOf(uid)) {
      if (e.propagationPolicy === 'Orphan') {
        const refs = (object.metadata.ownerReferences as Array<Record<string, unknown>>).filter((r) => r.uid !== uid);
        store.patch(kind, object.metadata.namespace, object.metadata.name, 'merge', { metadata: { ownerReferences: refs.length ? refs : null } }, CONTROLLER);
      } else if (!object.metadata.deletionTimestamp) {
        store.delete(kind, object.metadata.namespace, object.metadata.name);
      }
    }
  }
  // A dependent that is gone may have been the last one an owner in foreground deletion waited for.
  for (const owner of ownerUids(changed)) {
    const found = store.findByUid(owner);
    if (found && waitsForDependents(found.object)) finishIfUnblocked(store, found.object);
  }
}

function waitsForDependents(o: MockObject): boolean {
  return Boolean(o.metadata.deletionTimestamp && o.metadata.finalizers?.includes(FOREGROUND_FINALIZER));
}

function deleteDependents(store: ObjectStore, owner: MockObject): void {
  for (const { kind, object } of store.dependentsOf(owner.metadata.uid!)) {
    if (object.metadata.deletionTimestamp) continue;
    const blocking = blocksOwner(object, owner.metadata.uid!);
    store.delete(kind, object.metadata.namespace, object.metadata.name, { propagationPolicy: blocking ? 'Foreground' : 'Background' });
  }
}

/** Removes the owner's `foregroundDeletion` finalizer once none of its dependents blocks it. */
function finishIfUnblocked(store: ObjectStore, owner: MockObject): void {
  const uid = owner.metadata.uid!;
  if (store.dependentsOf(uid).some(({ object }) => blocksOwner(object, uid))) return;
  const found = store.findByUid(uid);
  if (!found) return;
  const finalizers = withoutFinalizer(found.object, FOREGROUND_FINALIZER);
  store.patch(found.kind, found.object.metadata.namespace, found.object.metadata.name, 'merge', { metadata: { finalizers } }, CONTROLLER);
}

function blocksOwner(dependent: MockObject, owner: string): boolean {
  const refs = dependent.metadata.ownerReferences;
  return Array.isArray(refs) && refs.some((r) => isPlainObject(r) && r.uid === owner && r.blockOwnerDeletion === true);
}

function ownerUids(o: MockObject): string[] {
  const refs = o.metadata.ownerReferences;
  return Array.isArray(refs) ? refs.filter(isPlainObject).flatMap((r) => (typeof r.uid === 'string' ? [r.uid] : [])) : [];
}
