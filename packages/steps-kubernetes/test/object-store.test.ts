import { describe, expect, it } from 'vitest';
import { ObjectStore, type MockObject, type StoreEvent } from '@innominatus/steps-kubernetes/testing';
import { boxCrd } from './crd/box-crd';

const kindSpec = { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: false, generation: false, statusSubresource: false };
const cm = (name: string, data: Record<string, unknown> = {}): MockObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });

describe('ObjectStore', () => {
  it('keeps the last historyLimit events per kind: older resourceVersions are gone, newer ones resume exactly', () => {
    const store = new ObjectStore({ historyLimit: 3 });
    const kind = store.registerKind(kindSpec);
    const rvs = Array.from({ length: 2000 }, (_, i) => Number(store.create(kind, cm(`c${i}`)).object.metadata.resourceVersion));
    const last = rvs.slice(-3);
    expect(store.eventsSince(kind, last[0]! - 2)).toBe('gone');
    expect((store.eventsSince(kind, last[0]! - 1) as StoreEvent[]).map((e) => e.resourceVersion)).toEqual(last);
    expect((store.eventsSince(kind, last[1]!) as StoreEvent[]).map((e) => e.object.metadata.name)).toEqual(['c1999']);
    expect(store.eventsSince(kind, last[2]!)).toEqual([]);
  });

  it('shares nothing with its callers: inputs, answers, reads and events can be changed without changing what is stored', () => {
    const store = new ObjectStore();
    const kind = store.registerKind(kindSpec);
    const events: StoreEvent[] = [];
    store.emitter.on('change', (e: StoreEvent) => events.push(e));
    const input = cm('a', { list: [{ x: 1 }], nested: { y: 'z' } });
    const created = store.apply(kind, input, { fieldManager: 'test' }).object;
    (input.data as { nested: { y: string } }).nested.y = 'changed by the caller';
    (created.data as { list: Array<{ x: number }> }).list[0]!.x = 2;
    (events[0]!.object.data as { nested: { y: string } }).nested.y = 'changed by a listener';
    const updated = store.apply(kind, cm('a', { list: [{ x: 1 }], nested: { y: 'z' }, more: 'm' }), { fieldManager: 'test' }).object;
    (events[1]!.previous!.data as { nested: { y: string } }).nested.y = 'changed by a listener';
    (store.get(kind, undefined, 'a')!.data as { more: string }).more = 'changed by a reader';
    expect(store.get(kind, undefined, 'a')!.data).toEqual({ list: [{ x: 1 }], nested: { y: 'z' }, more: 'm' });
    expect(updated.data).toEqual({ list: [{ x: 1 }], nested: { y: 'z' }, more: 'm' });
  });

  it("shares nothing through an event's previous object: a listener changing it after a status write changes neither what is stored nor another object's managed fields", () => {
    const store = new ObjectStore();
    const kind = store.registerKind({ ...kindSpec, statusSubresource: true });
    const events: StoreEvent[] = [];
    store.emitter.on('change', (e: StoreEvent) => events.push(e));
    store.apply(kind, cm('a', { nested: { y: 'z' } }), { fieldManager: 'test' });
    store.apply(kind, cm('b', { nested: { y: 'z' } }), { fieldManager: 'test' });
    store.setStatus(kind, undefined, 'a', { phase: 'Ready' }, { fieldManager: 'operator' });
    const previous = events[2]!.previous!;
    (previous.data as { nested: { y: string } }).nested.y = 'changed by a listener';
    previous.metadata.labels = { changed: 'by a listener' };
    (previous.metadata.managedFields as Array<{ fieldsV1: Record<string, unknown> }>)[0]!.fieldsV1['f:data'] = 'changed by a listener';
    const tree = { 'f:data': { '.': {}, 'f:nested': { '.': {}, 'f:y': {} } } };
    const a = store.get(kind, undefined, 'a')!;
    expect(a.data).toEqual({ nested: { y: 'z' } });
    expect(a.metadata.labels).toBeUndefined();
    expect((a.metadata.managedFields as Array<{ manager: string; fieldsV1: unknown }>).map((m) => [m.manager, m.fieldsV1])).toEqual([
      ['test', tree],
      ['operator', { 'f:status': { '.': {}, 'f:phase': {} } }],
    ]);
    expect((store.get(kind, undefined, 'b')!.metadata.managedFields as Array<{ fieldsV1: unknown }>)[0]!.fieldsV1).toEqual(tree);
    store.apply(kind, cm('c', { nested: { y: 'z' } }), { fieldManager: 'test' });
    expect((store.get(kind, undefined, 'c')!.metadata.managedFields as Array<{ fieldsV1: unknown }>)[0]!.fieldsV1).toEqual(tree);
  });

  it('copies an answer or an event object when it is read: one copy per answer and per event, changed without changing the store', () => {
    const store = new ObjectStore();
    const kind = store.registerKind(kindSpec);
    const events: StoreEvent[] = [];
    store.emitter.on('change', (e: StoreEvent) => events.push(e));
    const result = store.create(kind, cm('a', { nested: { y: 'z' } }));
    expect(result.object).toBe(result.object);
    (result.object.data as { nested: { y: string } }).nested.y = 'changed by the caller';
    expect(events[0]!.object).toBe(events[0]!.object);
    (events[0]!.object.data as { nested: { y: string } }).nested.y = 'changed by a listener';
    expect(store.get(kind, undefined, 'a')!.data).toEqual({ nested: { y: 'z' } });
    expect(store.eventsSince(kind, 0)).toEqual([events[0]]);
    expect((events[0]!.object.data as { nested: { y: string } }).nested.y).toBe('changed by a listener');
    const status = store.writeStatus(kind, undefined, 'a', { phase: 'Ready' });
    expect(status.changed).toBe(true);
    expect(status.object.metadata.resourceVersion).toBe(events[1]!.object.metadata.resourceVersion);
    expect(store.getStored(kind, undefined, 'a')).toEqual(status.object);
  });

  it("checks a status write's status, and its unchanged spec again once the kind's schema changed since it was stored", () => {
    const store = new ObjectStore();
    const spec = { group: 'example.com', version: 'v1', kind: 'Box', plural: 'boxes', namespaced: false };
    const kind = store.registerKind(spec, { crd: boxCrd(['small', 'large']) });
    store.create(kind, { apiVersion: 'example.com/v1', kind: 'Box', metadata: { name: 'b' }, spec: { size: 'large' } });
    expect(store.writeStatus(kind, undefined, 'b', { phase: 'Ready' }).object).toMatchObject({ spec: { size: 'large' }, status: { phase: 'Ready' } });
    expect(() => store.writeStatus(kind, undefined, 'b', { phase: 1 })).toThrow(
      'Box.example.com "b" is invalid: status.phase: Invalid value: "integer": status.phase in body must be of type string: "integer"',
    );
    const tighter = store.registerKind(spec, { crd: boxCrd(['small']) });
    expect(() => store.writeStatus(tighter, undefined, 'b', { phase: 'Done' })).toThrow(
      'Box.example.com "b" is invalid: spec.size: Unsupported value: "large": supported values: "small"',
    );
  });

  it('answers the managed fields of objects written alike each as their own copy, whatever a reader changes in one', () => {
    const store = new ObjectStore();
    const kind = store.registerKind(kindSpec);
    const fieldsOf = (name: string) => store.get(kind, undefined, name)!.metadata.managedFields as Array<{ fieldsV1: Record<string, unknown> }>;
    store.apply(kind, cm('a', { x: '1' }), { fieldManager: 'test' });
    store.apply(kind, cm('b', { x: '2' }), { fieldManager: 'test' });
    const tree = { 'f:data': { '.': {}, 'f:x': {} } };
    fieldsOf('a')[0]!.fieldsV1['f:data'] = 'changed by a reader';
    expect(fieldsOf('a')[0]!.fieldsV1).toEqual(tree);
    expect(fieldsOf('b')[0]!.fieldsV1).toEqual(tree);
    store.apply(kind, cm('a', { y: '1' }), { fieldManager: 'test' });
    expect(store.get(kind, undefined, 'a')!.data).toEqual({ y: '1' });
    expect(fieldsOf('a')[0]!.fieldsV1).toEqual({ 'f:data': { '.': {}, 'f:y': {} } });
    expect(fieldsOf('b')[0]!.fieldsV1).toEqual(tree);
  });

  it('finds objects by uid and dependents by owner uid, and forgets them once deleted', () => {
    const store = new ObjectStore();
    const kind = store.registerKind(kindSpec);
    const owner = store.create(kind, cm('owner')).object;
    const ref = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid }];
    store.create(kind, { ...cm('b'), metadata: { name: 'b', ownerReferences: ref } });
    store.create(kind, { ...cm('a'), metadata: { name: 'a', ownerReferences: ref } });
    expect(store.findByUid(owner.metadata.uid!)?.object.metadata.name).toBe('owner');
    expect(store.dependentsOf(owner.metadata.uid!).map((d) => d.object.metadata.name)).toEqual(['a', 'b']);
    store.mergePatch(kind, undefined, 'a', { metadata: { ownerReferences: null } });
    expect(store.dependentsOf(owner.metadata.uid!).map((d) => d.object.metadata.name)).toEqual(['b']);
    store.delete(kind, undefined, 'b');
    expect(store.dependentsOf(owner.metadata.uid!)).toEqual([]);
    store.delete(kind, undefined, 'owner');
    expect(store.findByUid(owner.metadata.uid!)).toBeUndefined();
  });

  it('lists one namespace from its own objects: sorted by name, with selectors, without the deleted ones; counts per namespace', () => {
    const store = new ObjectStore({ autoCreateNamespaces: true });
    store.registerKind({ ...kindSpec, kind: 'Namespace', plural: 'namespaces' });
    const kind = store.registerKind({ ...kindSpec, namespaced: true });
    const put = (namespace: string, name: string, app: string) =>
      store.create(kind, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels: { app } }, data: {} });
    for (const ns of ['b', 'a', 'c']) for (const name of ['y', 'x', 'z']) put(ns, name, name === 'z' ? 'other' : 'db');
    store.delete(kind, 'a', 'x');
    const names = (filter: { namespace?: string; labelSelector?: string }) => store.list(kind, filter).map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
    expect(names({ namespace: 'a' })).toEqual(['a/y', 'a/z']);
    expect(names({ namespace: 'b', labelSelector: 'app=db' })).toEqual(['b/x', 'b/y']);
    expect(names({ namespace: 'none' })).toEqual([]);
    expect(names({ labelSelector: 'app=other' })).toEqual(['a/z', 'b/z', 'c/z']);
    expect([store.countInNamespace('a'), store.countInNamespace('b'), store.countInNamespace('none')]).toEqual([2, 3, 0]);
    store.delete(kind, 'a', 'y');
    store.delete(kind, 'a', 'z');
    expect(names({ namespace: 'a' })).toEqual([]);
    expect(store.countInNamespace('a')).toBe(0);
  });
});
