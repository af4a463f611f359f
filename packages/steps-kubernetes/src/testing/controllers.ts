import { CrdError, loadCrd, type CrdVersion, type LoadedCrd } from '../crd/index';
import { isConversionFailure, type ConversionStrategy } from './conversion';
import { collectGarbage } from './garbage-collector';
import { storedObject, storedPrevious } from './lazy-copies';
import { isPlainObject, jsonEqual } from './merge';
import type { ObjectStore } from './object-store';
import type { KindSpec, MockObject, ResolvedKind, StoreEvent } from './types';
import { nowSeconds } from './timestamps';

const CONTROLLER = { fieldManager: 'kube-controller-manager' };

/**
 * What a real control plane does besides the API server, run on every store
 * change: CustomResourceDefinitions become served kinds (and are marked
 * Established), deleting a CRD deletes its objects; the garbage collector
 * (background, foreground and orphan propagation); a deleted
 * Namespace is emptied, then removed. An object whose conversion fails (a
 * conversion webhook that cannot be reached) is left as it is, as a real
 * controller leaves it while it retries.
 */
export function startControllers(store: ObjectStore): void {
  store.emitter.on('change', (e: StoreEvent) => {
    if (e.kind.group === 'apiextensions.k8s.io' && e.kind.kind === 'CustomResourceDefinition') crdChanged(store, e);
    unlessConversionFails(() => collectGarbage(store, e));
    unlessConversionFails(() => namespaceController(store, e));
  });
}

function unlessConversionFails(work: () => void): void {
  try {
    work();
  } catch (err) {
    if (!isConversionFailure(err)) throw err;
  }
}

function namespaceController(store: ObjectStore, e: StoreEvent): void {
  // Only read: the object as stored, without a copy.
  const object = storedObject(e);
  if (e.type === 'DELETED' && e.kind.namespaced && object.metadata.namespace) finalizeNamespaceIfEmpty(store, object.metadata.namespace);
  if (
    e.type === 'MODIFIED' &&
    e.kind.group === '' &&
    e.kind.kind === 'Namespace' &&
    object.metadata.deletionTimestamp &&
    !storedPrevious(e)?.metadata.deletionTimestamp
  ) {
    emptyNamespace(store, object.metadata.name);
  }
}

function crdChanged(store: ObjectStore, e: StoreEvent): void {
  let crd: LoadedCrd;
  try {
    crd = loadCrd(e.object);
  } catch (err) {
    if (err instanceof CrdError) return;
    throw err;
  }
  const storage = crd.versions.find((v) => v.storage)!;
  const existing = store.storageKind(crd.group, crd.kind);
  if (e.type === 'DELETED') {
    if (existing) store.unregisterKind(existing);
    return;
  }
  // A new storage version keeps the objects: they stay stored at the version they were written at.
  store.unregisterVersions(crd.group, crd.kind);
  store.setConversion(crd.group, crd.kind, conversionOf(crd));
  const spec = (version: CrdVersion): KindSpec => ({
    group: crd.group,
    version: version.name,
    kind: crd.kind,
    plural: crd.plural,
    singular: crd.singular,
    namespaced: crd.namespaced,
    shortNames: crd.shortNames,
    categories: crd.categories,
    statusSubresource: version.statusSubresource,
    generation: true,
    printerColumns: version.printerColumns,
    schema: version.schema,
  });
  const stored = store.registerKind(spec(storage), { crd });
  // The other served versions: the same objects with their apiVersion rewritten (conversion strategy None).
  for (const version of crd.versions) if (version.served && !version.storage) store.registerVersion(stored, spec(version), { crd });
  const status = establishedStatus(e.object, crd, storage.name);
  if (!jsonEqual(status, e.object.status)) store.setStatus(e.kind, undefined, e.object.metadata.name, status, CONTROLLER);
}

/** A CRD's `spec.conversion` (validated when the CRD was admitted). */
function conversionOf(crd: LoadedCrd): ConversionStrategy {
  const spec = isPlainObject(crd.definition.spec) ? crd.definition.spec : {};
  const conversion = isPlainObject(spec.conversion) ? spec.conversion : {};
  const webhook = isPlainObject(conversion.webhook) ? conversion.webhook : {};
  return conversion.strategy === 'Webhook'
    ? { strategy: 'Webhook', clientConfig: isPlainObject(webhook.clientConfig) ? webhook.clientConfig : {} }
    : { strategy: 'None' };
}

/**
 * The status of an accepted CRD: Established, its names, and every version
 * objects have been stored at (`storedVersions` only grows, as on a real
 * server, until a client rewrites it).
 */
function establishedStatus(object: MockObject, crd: LoadedCrd, storage: string): Record<string, unknown> {
  const old = isPlainObject(object.status) && Array.isArray(object.status.conditions) ? (object.status.conditions as Array<Record<string, unknown>>) : [];
  const since = (type: string) => old.find((c) => c.type === type)?.lastTransitionTime ?? nowSeconds();
  const names = {
    plural: crd.plural,
    singular: crd.singular,
    kind: crd.kind,
    listKind: crd.listKind,
    ...(crd.shortNames.length ? { shortNames: crd.shortNames } : {}),
    ...(crd.categories.length ? { categories: crd.categories } : {}),
  };
  return {
    conditions: [
      { type: 'NamesAccepted', status: 'True', lastTransitionTime: since('NamesAccepted'), reason: 'NoConflicts', message: 'no conflicts found' },
      {
        type: 'Established',
        status: 'True',
        lastTransitionTime: since('Established'),
        reason: 'InitialNamesAccepted',
        message: 'the initial names have been accepted',
      },
    ],
    acceptedNames: names,
    storedVersions: [...new Set([...storedVersionsOf(object), storage])],
  };
}

function storedVersionsOf(crd: MockObject): string[] {
  const stored = isPlainObject(crd.status) ? crd.status.storedVersions : undefined;
  return Array.isArray(stored) ? stored.filter((v): v is string => typeof v === 'string') : [];
}

function namespaceKind(store: ObjectStore): ResolvedKind {
  return store.requireKind('v1', 'Namespace');
}

function emptyNamespace(store: ObjectStore, namespace: string): void {
  for (const kind of store.kinds()) {
    if (!kind.namespaced) continue;
    // One kind whose objects cannot be converted does not keep the others from going.
    unlessConversionFails(() => {
      for (const o of store.list(kind, { namespace })) if (!o.metadata.deletionTimestamp) store.delete(kind, namespace, o.metadata.name);
    });
  }
  finalizeNamespaceIfEmpty(store, namespace);
}

function finalizeNamespaceIfEmpty(store: ObjectStore, namespace: string): void {
  const ns = store.get(namespaceKind(store), undefined, namespace);
  if (!ns?.metadata.deletionTimestamp || store.countInNamespace(namespace) > 0) return;
  store.patch(namespaceKind(store), undefined, namespace, 'merge', { spec: { finalizers: null } }, CONTROLLER);
}
