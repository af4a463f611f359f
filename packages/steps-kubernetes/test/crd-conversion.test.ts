import { describe, expect, it } from 'vitest';
import { ApiStatusError, createMockCluster, type MockObject } from '@innominatus/steps-kubernetes/testing';

const schema = (field: string) => ({
  openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { [field]: { type: 'string' } } } } },
});
const crd = (storage: 'v1' | 'v2', strategy: 'None' | 'Webhook') => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { kind: 'Widget', plural: 'widgets' },
    conversion:
      strategy === 'None'
        ? { strategy }
        : { strategy, webhook: { conversionReviewVersions: ['v1'], clientConfig: { url: 'https://convert.example.com:8443/c' } } },
    versions: [
      { name: 'v1', served: true, storage: storage === 'v1', schema: schema('size') },
      { name: 'v2', served: true, storage: storage === 'v2', schema: schema('length') },
    ],
  },
});
const widget = (version: string, spec: Record<string, unknown>): MockObject => ({
  apiVersion: `example.com/${version}`,
  kind: 'Widget',
  metadata: { name: 'w', namespace: 'default' },
  spec,
});
const convert = (o: MockObject, to: string): MockObject => {
  const spec = o.spec as Record<string, unknown>;
  return { ...o, apiVersion: to, spec: to === 'example.com/v2' ? { length: spec.size } : { size: spec.length } };
};

describe('conversion between the versions of a custom resource', () => {
  it('a url webhook that cannot be reached: 500 InternalError naming the request it would have made', () => {
    const cluster = createMockCluster();
    cluster.installCrds(crd('v1', 'Webhook'));
    cluster.apply(widget('v1', { size: 's' }));
    const v2 = cluster.store.requireKind('example.com/v2', 'Widget');
    let error: unknown;
    try {
      cluster.store.get(v2, 'default', 'w');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ApiStatusError);
    expect((error as ApiStatusError).toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      code: 500,
      reason: 'InternalError',
      message:
        'Internal error occurred: conversion webhook for example.com/v1, Kind=Widget failed: Post "https://convert.example.com:8443/c?timeout=30s": dial tcp convert.example.com:8443: connect: connection refused',
      details: {
        causes: [
          {
            message:
              'conversion webhook for example.com/v1, Kind=Widget failed: Post "https://convert.example.com:8443/c?timeout=30s": dial tcp convert.example.com:8443: connect: connection refused',
          },
        ],
      },
    });
  });

  it('a watch at a version its events cannot be converted to ends with an ERROR event; the write itself is done', () => {
    const cluster = createMockCluster();
    cluster.installCrds(crd('v1', 'Webhook'));
    const v2 = cluster.store.requireKind('example.com/v2', 'Widget');
    const seen: string[] = [];
    cluster.store.subscribe(
      v2,
      (e) => seen.push(e.type),
      (err) => seen.push(`error ${err.code}`),
    );
    cluster.apply(widget('v1', { size: 's' }));
    expect(seen).toEqual(['error 500']);
    expect(cluster.get({ apiVersion: 'example.com/v1', kind: 'Widget', name: 'w', namespace: 'default' })!.spec).toEqual({ size: 's' });
    cluster.setConversionWebhook({ group: 'example.com', kind: 'Widget' }, convert);
    cluster.apply(widget('v1', { size: 'm' }));
    expect(seen).toEqual(['error 500', 'MODIFIED']);
  });

  it("takes only labels and annotations of a webhook's metadata, and refuses an answer that changes the object's identity", () => {
    const cluster = createMockCluster();
    cluster.installCrds(crd('v1', 'Webhook'));
    cluster.apply({ ...widget('v1', { size: 's' }), metadata: { name: 'w', namespace: 'default', labels: { a: '1' } } });
    const ref = { apiVersion: 'example.com/v2', kind: 'Widget', name: 'w', namespace: 'default' };
    cluster.setConversionWebhook({ group: 'example.com', kind: 'Widget' }, (o, to) => ({
      ...convert(o, to),
      metadata: { ...o.metadata, labels: { a: '2' }, resourceVersion: '1' },
    }));
    const got = cluster.get(ref)!;
    expect([got.spec, got.metadata.labels, got.metadata.resourceVersion]).toEqual([{ length: 's' }, { a: '2' }, expect.not.stringMatching(/^1$/)]);
    cluster.setConversionWebhook({ group: 'example.com', kind: 'Widget' }, (o, to) => ({ ...convert(o, to), metadata: { ...o.metadata, name: 'other' } }));
    expect(() => cluster.get(ref)).toThrow('the conversion webhook for Widget "w" changed metadata.name (w → other)');
    cluster.setConversionWebhook({ group: 'example.com', kind: 'Widget' }, (o) => o);
    expect(() => cluster.get(ref)).toThrow('the conversion webhook for Widget "w" returned apiVersion example.com/v1, not example.com/v2');
  });

  it('objects stored at an old version that cannot be converted keep their namespace terminating, as a real namespace controller stays stuck', () => {
    const cluster = createMockCluster({ namespaces: ['default', 'apps'] });
    cluster.installCrds(crd('v1', 'Webhook'));
    cluster.apply({ ...widget('v1', { size: 's' }), metadata: { name: 'w', namespace: 'apps' } });
    cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'apps' } });
    cluster.installCrds(crd('v2', 'Webhook'));
    cluster.delete({ apiVersion: 'v1', kind: 'Namespace', name: 'apps' });
    expect(cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'c', namespace: 'apps' })).toBeUndefined();
    expect(cluster.get({ apiVersion: 'v1', kind: 'Namespace', name: 'apps' })!.status).toEqual({ phase: 'Terminating' });
    const widgets = cluster.store.requireKind('example.com/v1', 'Widget');
    expect(cluster.store.list(widgets).map((o) => o.metadata.name)).toEqual(['w']);
  });

  it('a watch opened at the storage version before it changed goes on seeing every change, at its own version', () => {
    const cluster = createMockCluster();
    cluster.installCrds(crd('v1', 'None'));
    const v1 = cluster.store.requireKind('example.com/v1', 'Widget');
    const seen: Array<[string, string, string]> = [];
    cluster.store.subscribe(v1, (e) => seen.push([e.type, e.object.metadata.name, e.object.apiVersion]));
    cluster.apply(widget('v1', { size: 's' }));
    cluster.installCrds(crd('v2', 'None'));
    cluster.apply({ ...widget('v2', { length: 'l' }), metadata: { name: 'b', namespace: 'default' } });
    cluster.apply(widget('v2', { length: 'm' }));
    expect(seen).toEqual([
      ['ADDED', 'w', 'example.com/v1'],
      ['ADDED', 'b', 'example.com/v1'],
      ['MODIFIED', 'w', 'example.com/v1'],
    ]);
  });
});
