import { describe } from 'vitest';
import type { MockObject } from '@innominatus/steps-kubernetes/testing';
import { type KubectlCluster, kubectlIt as it, tableRows } from './kubectl-harness';

/** A CRD served at two versions (v1 stores, v2 adds a field and a printer column), conversion None. */
const GIZMO_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'gizmos.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { kind: 'Gizmo', plural: 'gizmos', singular: 'gizmo' },
    conversion: { strategy: 'None' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        additionalPrinterColumns: [{ name: 'Size', type: 'string', jsonPath: '.spec.size' }],
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: { spec: { type: 'object', properties: { size: { type: 'string', description: 'How big the gizmo is.' } } } },
          },
        },
      },
      {
        name: 'v2',
        served: true,
        storage: false,
        subresources: { status: {} },
        additionalPrinterColumns: [{ name: 'Color', type: 'string', jsonPath: '.spec.color' }],
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                properties: {
                  size: { type: 'string', description: 'How big the gizmo is.' },
                  color: { type: 'string', enum: ['red', 'blue'], description: 'The color of the gizmo.' },
                },
              },
              status: { type: 'object', properties: { phase: { type: 'string' } } },
            },
          },
        },
      },
      { name: 'v1alpha1', served: false, storage: false, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
    ],
  },
};

const gizmo = (version: string, spec: Record<string, unknown>, name = 'g'): MockObject => ({
  apiVersion: `example.com/${version}`,
  kind: 'Gizmo',
  metadata: { name, namespace: 'apps' },
  spec,
});

describe.concurrent('kubectl and a CRD with several versions', () => {
  it('serves each served version in discovery, stores at the storage version, and reads and writes at both with apiVersion rewritten', async ({
    expect,
    startCluster,
  }) => {
    const k = await startCluster();
    expect((await k.kubectl(['apply', '-f', k.file('crd.json', GIZMO_CRD)])).code).toBe(0);
    const versions = (await k.kubectl(['api-versions'])).stdout.split('\n');
    expect(versions.filter((v) => v.startsWith('example.com/'))).toEqual(['example.com/v1', 'example.com/v2']);

    expect((await k.kubectl(['apply', '-f', k.file('v1.json', gizmo('v1', { size: 'small' }))])).stdout.trim()).toBe('gizmo.example.com/g created');
    expect((await k.kubectl(['apply', '--server-side', '-f', k.file('v2.json', gizmo('v2', { size: 'small', color: 'red' }, 'h'))])).stdout.trim()).toBe(
      'gizmo.example.com/h serverside-applied',
    );
    // Stored at v1, the fields as written.
    const stored = k.running.cluster.get({ apiVersion: 'example.com/v1', kind: 'Gizmo', name: 'h', namespace: 'apps' })!;
    expect([stored.apiVersion, stored.spec]).toEqual(['example.com/v1', { size: 'small', color: 'red' }]);
    // Its managedFields entry records the version it was applied at.
    const entries = stored.metadata.managedFields as Array<{ manager: string; apiVersion: string; fieldsV1: unknown }>;
    expect(entries.map((e) => [e.manager, e.apiVersion, e.fieldsV1])).toEqual([['kubectl', 'example.com/v2', { 'f:spec': { 'f:color': {}, 'f:size': {} } }]]);
    const read = async (resource: string) =>
      (await k.kubectl(['get', resource, '-n', 'apps', '-o', 'jsonpath={range .items[*]}{.apiVersion} {.metadata.name} {.spec.size}{"\\n"}{end}'])).stdout
        .trim()
        .split('\n');
    // Five reads of the same state: run together.
    const [atV1, atV2, preferred, tableV1, tableV2] = await Promise.all([
      read('gizmos.v1.example.com'),
      read('gizmos.v2.example.com'),
      read('gizmos'),
      k.kubectl(['get', 'gizmos.v1.example.com', '-n', 'apps']),
      k.kubectl(['get', 'gizmos.v2.example.com', 'h', '-n', 'apps']),
    ]);
    expect(atV1).toEqual(['example.com/v1 g small', 'example.com/v1 h small']);
    expect(atV2).toEqual(['example.com/v2 g small', 'example.com/v2 h small']);
    // kubectl picks the preferred version, the highest: v2.
    expect(preferred).toEqual(['example.com/v2 g small', 'example.com/v2 h small']);

    // Each version's printer columns.
    expect(tableRows(tableV1.stdout).map((r) => r.slice(0, 2))).toEqual([
      ['NAME', 'SIZE'],
      ['g', 'small'],
      ['h', 'small'],
    ]);
    const v2 = tableRows(tableV2.stdout);
    expect(v2.map((r) => r.slice(0, 2))).toEqual([
      ['NAME', 'COLOR'],
      ['h', 'red'],
    ]);

    // A patch at v1 is stored at v1 and seen at v2.
    expect((await k.kubectl(['patch', 'gizmos.v1.example.com', 'g', '-n', 'apps', '--type=merge', '-p', '{"spec":{"size":"large"}}'])).code).toBe(0);
    expect((await k.kubectl(['get', 'gizmos.v2.example.com', 'g', '-n', 'apps', '-o', 'jsonpath={.apiVersion} {.spec.size}'])).stdout).toBe(
      'example.com/v2 large',
    );
  }, 60_000);

  it("validates each write with its version's schema, and explains each version", async ({ expect, startCluster }) => {
    const k = await startCluster();
    expect((await k.kubectl(['apply', '-f', k.file('crd.json', GIZMO_CRD)])).code).toBe(0);
    // Three refused writes and two explains, none changing anything: run together.
    const [bad, unknown, unserved, v2, v1] = await Promise.all([
      k.kubectl(['apply', '-f', k.file('bad.json', gizmo('v2', { color: 'purple' }))]),
      k.kubectl(['apply', '-f', k.file('v1.json', gizmo('v1', { color: 'red' }))]),
      k.kubectl(['apply', '-f', k.file('alpha.json', gizmo('v1alpha1', { size: 'x' }))]),
      k.kubectl(['explain', 'gizmos.spec', '--api-version=example.com/v2']),
      k.kubectl(['explain', 'gizmos.spec', '--api-version=example.com/v1']),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('The Gizmo "g" is invalid: spec.color: Unsupported value: "purple": supported values: "red", "blue"');
    // v1 has no color: kubectl's default (strict) validation refuses it there.
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('strict decoding error: unknown field "spec.color"');
    // A version that is not served is not found.
    expect(unserved.code).toBe(1);
    expect(unserved.stderr).toContain('no matches for kind "Gizmo" in version "example.com/v1alpha1"');

    expect(v2.stdout).toContain('color\t<string>');
    expect(v2.stdout).toContain('The color of the gizmo.');
    expect(v1.stdout).toContain('size\t<string>');
    expect(v1.stdout).not.toContain('color');
  }, 60_000);
});

/** A CRD whose v2 renames v1's `spec.size` to `spec.length`: v1 stores unless told otherwise. */
const widgetCrd = (options: { storage?: 'v1' | 'v2'; conversion?: Record<string, unknown>; versions?: Array<'v1' | 'v2'> } = {}) => {
  const storage = options.storage ?? 'v1';
  const field = (name: string) => ({
    type: 'object',
    properties: { spec: { type: 'object', properties: { [name]: { type: 'string' } } } },
  });
  const versions = {
    v1: { name: 'v1', served: true, storage: storage === 'v1', schema: { openAPIV3Schema: field('size') } },
    v2: { name: 'v2', served: true, storage: storage === 'v2', schema: { openAPIV3Schema: field('length') } },
  };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { kind: 'Widget', plural: 'widgets', singular: 'widget' },
      conversion: options.conversion ?? { strategy: 'None' },
      versions: (options.versions ?? ['v1', 'v2']).map((v) => versions[v]),
    },
  };
};
const WEBHOOK = {
  strategy: 'Webhook',
  webhook: { conversionReviewVersions: ['v1'], clientConfig: { service: { name: 'widget-webhook', namespace: 'apps', path: '/convert' } } },
};
const widget = (version: string, spec: Record<string, unknown>, name = 'w'): MockObject => ({
  apiVersion: `example.com/${version}`,
  kind: 'Widget',
  metadata: { name, namespace: 'apps' },
  spec,
});

describe.concurrent("kubectl and a CRD's storage version and conversion", () => {
  /** On one test's cluster: the apiVersion a Widget is stored at, and a jsonpath read by kubectl (its error when it fails). */
  const readers = (k: KubectlCluster) => ({
    storedAt: (name: string) => {
      const uid = k.running.cluster.get({ apiVersion: 'example.com/v1', kind: 'Widget', name, namespace: 'apps' })!.metadata.uid!;
      return k.running.cluster.store.findByUid(uid)!.object.apiVersion;
    },
    jsonpath: async (resource: string, path: string) => {
      const r = await k.kubectl(['get', resource, '-n', 'apps', '-o', `jsonpath=${path}`]);
      return r.code === 0 ? r.stdout : r.stderr.trim();
    },
  });

  it('keeps the objects when the storage version changes: stored at the old version until written again, served at every served version', async ({
    expect,
    startCluster,
  }) => {
    const k = await startCluster();
    const { storedAt, jsonpath } = readers(k);
    expect((await k.kubectl(['apply', '-f', k.file('crd.json', widgetCrd())])).code).toBe(0);
    expect((await k.kubectl(['apply', '-f', k.file('w.json', widget('v1', { size: 'small' }))])).stdout.trim()).toBe('widget.example.com/w created');

    expect((await k.kubectl(['apply', '-f', k.file('crd.json', widgetCrd({ storage: 'v2' }))])).stdout.trim()).toBe(
      'customresourcedefinition.apiextensions.k8s.io/widgets.example.com configured',
    );
    const [storedVersions, atV1, atV2] = await Promise.all([
      jsonpath('crd/widgets.example.com', '{.status.storedVersions}'),
      jsonpath('widgets.v1.example.com/w', '{.apiVersion} {.spec.size}'),
      jsonpath('widgets.v2.example.com/w', '{.apiVersion} {.spec.size}'),
    ]);
    expect(storedVersions).toBe('["v1","v2"]');
    // Still there, still stored at v1; conversion None: only apiVersion differs between versions.
    expect(storedAt('w')).toBe('example.com/v1');
    expect(atV1).toBe('example.com/v1 small');
    expect(atV2).toBe('example.com/v2 small');

    // A write stores it at the new storage version; a new object is stored there too.
    expect((await k.kubectl(['label', 'widgets.v1.example.com', 'w', '-n', 'apps', 'touched=yes'])).code).toBe(0);
    expect(storedAt('w')).toBe('example.com/v2');
    expect((await k.kubectl(['apply', '-f', k.file('x.json', widget('v2', { length: 'long' }, 'x'))])).code).toBe(0);
    expect(storedAt('x')).toBe('example.com/v2');

    // A version objects may be stored at cannot leave the CRD.
    const dropped = await k.kubectl(['apply', '-f', k.file('crd.json', widgetCrd({ storage: 'v2', versions: ['v2'] }))]);
    expect(dropped.code).toBe(1);
    expect(dropped.stderr).toContain(
      'The CustomResourceDefinition "widgets.example.com" is invalid: status.storedVersions[0]: Invalid value: "v1": must appear in spec.versions',
    );
    expect(await jsonpath('widgets.v2.example.com', '{range .items[*]}{.metadata.name} {end}')).toBe('w x ');
  }, 60_000);

  it('conversion Webhook: without a webhook a request that needs conversion fails as with an unreachable webhook; with one, objects are converted both ways', async ({
    expect,
    startCluster,
  }) => {
    const k = await startCluster();
    const { jsonpath } = readers(k);
    expect((await k.kubectl(['apply', '-f', k.file('crd.json', widgetCrd({ conversion: WEBHOOK }))])).code).toBe(0);
    // At the storage version nothing is converted.
    expect((await k.kubectl(['apply', '-f', k.file('w.json', widget('v1', { size: 'small' }))])).code).toBe(0);
    expect(await jsonpath('widgets.v1.example.com/w', '{.spec.size}')).toBe('small');

    const failed =
      'Error from server (InternalError): Internal error occurred: conversion webhook for example.com/v1, Kind=Widget failed: ' +
      'Post "https://widget-webhook.apps.svc:443/convert?timeout=30s": service "widget-webhook" not found';
    expect(await jsonpath('widgets.v2.example.com/w', '{.spec}')).toBe(failed);
    const write = await k.kubectl(['apply', '-f', k.file('v2.json', widget('v2', { length: 'long' }, 'y'))]);
    expect(write.code).toBe(1);
    expect(write.stderr).toContain('conversion webhook for example.com/v2, Kind=Widget failed');
    expect(k.running.cluster.get({ apiVersion: 'example.com/v1', kind: 'Widget', name: 'y', namespace: 'apps' })).toBeUndefined();
    // A Service of that name without endpoints: the webhook is still unreachable.
    expect((await k.kubectl(['create', 'service', 'clusterip', 'widget-webhook', '--tcp=443', '-n', 'apps'])).code).toBe(0);
    expect(await jsonpath('widgets.v2.example.com/w', '{.spec}')).toContain(': no endpoints available for service "widget-webhook"');

    const calls: string[] = [];
    k.running.cluster.setConversionWebhook({ group: 'example.com', kind: 'Widget' }, (o, to) => {
      calls.push(`${o.apiVersion}→${to}`);
      const spec = o.spec as Record<string, unknown>;
      return { ...o, apiVersion: to, spec: to === 'example.com/v2' ? { length: spec.size } : { size: spec.length } };
    });
    expect(await jsonpath('widgets.v2.example.com/w', '{.apiVersion} {.spec}')).toBe('example.com/v2 {"length":"small"}');
    expect(calls).toContain('example.com/v1→example.com/v2');
    // Written at v2 (validated with v2's schema), stored at v1 converted.
    expect((await k.kubectl(['apply', '-f', k.file('v2.json', widget('v2', { length: 'long' }, 'y'))])).stdout.trim()).toBe('widget.example.com/y created');
    expect(k.running.cluster.get({ apiVersion: 'example.com/v1', kind: 'Widget', name: 'y', namespace: 'apps' })!.spec).toEqual({ size: 'long' });
    const unknown = await k.kubectl(['apply', '-f', k.file('bad.json', widget('v2', { size: 'x' }, 'z'))]);
    expect(unknown.stderr).toContain('unknown field "spec.size"');
  }, 60_000);

  it('refuses a conversion the API server refuses', async ({ expect, startCluster }) => {
    const k = await startCluster();
    const [magic, bare] = await Promise.all([
      k.kubectl(['apply', '-f', k.file('magic.json', widgetCrd({ conversion: { strategy: 'Magic' } }))]),
      k.kubectl(['apply', '-f', k.file('bare.json', widgetCrd({ conversion: { strategy: 'Webhook' } }))]),
    ]);
    expect(magic.stderr).toContain('spec.conversion.strategy: Unsupported value: "Magic": supported values: "None", "Webhook"');
    expect(bare.stderr).toContain('spec.conversion.webhook: Required value: required when strategy is set to Webhook');
    expect((await k.kubectl(['api-versions'])).stdout).not.toContain('example.com');
  }, 60_000);
});
