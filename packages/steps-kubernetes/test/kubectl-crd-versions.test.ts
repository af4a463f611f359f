import { afterEach, describe, expect, it } from 'vitest';
import type { MockObject } from '@innominatus/steps-kubernetes/testing';
import { kubectlCluster, type KubectlCluster } from './kubectl-harness';

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
const rows = (out: string) =>
  out
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/));

describe('kubectl and a CRD with several versions', () => {
  let k: KubectlCluster;
  afterEach(async () => k.close());

  it('serves each served version in discovery, stores at the storage version, and reads and writes at both with apiVersion rewritten', async () => {
    k = await kubectlCluster(['--namespace', 'apps']);
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
    expect(await read('gizmos.v1.example.com')).toEqual(['example.com/v1 g small', 'example.com/v1 h small']);
    expect(await read('gizmos.v2.example.com')).toEqual(['example.com/v2 g small', 'example.com/v2 h small']);
    // kubectl picks the preferred version, the highest: v2.
    expect(await read('gizmos')).toEqual(['example.com/v2 g small', 'example.com/v2 h small']);

    // Each version's printer columns.
    expect(rows((await k.kubectl(['get', 'gizmos.v1.example.com', '-n', 'apps'])).stdout).map((r) => r.slice(0, 2))).toEqual([
      ['NAME', 'SIZE'],
      ['g', 'small'],
      ['h', 'small'],
    ]);
    const v2 = rows((await k.kubectl(['get', 'gizmos.v2.example.com', 'h', '-n', 'apps'])).stdout);
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

  it("validates each write with its version's schema, and explains each version", async () => {
    k = await kubectlCluster(['--namespace', 'apps']);
    expect((await k.kubectl(['apply', '-f', k.file('crd.json', GIZMO_CRD)])).code).toBe(0);
    const bad = await k.kubectl(['apply', '-f', k.file('bad.json', gizmo('v2', { color: 'purple' }))]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('The Gizmo "g" is invalid: spec.color: Unsupported value: "purple": supported values: "red", "blue"');
    // v1 has no color: kubectl's default (strict) validation refuses it there.
    const unknown = await k.kubectl(['apply', '-f', k.file('v1.json', gizmo('v1', { color: 'red' }))]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('strict decoding error: unknown field "spec.color"');
    // A version that is not served is not found.
    const unserved = await k.kubectl(['apply', '-f', k.file('alpha.json', gizmo('v1alpha1', { size: 'x' }))]);
    expect(unserved.code).toBe(1);
    expect(unserved.stderr).toContain('no matches for kind "Gizmo" in version "example.com/v1alpha1"');

    const v2 = await k.kubectl(['explain', 'gizmos.spec', '--api-version=example.com/v2']);
    expect(v2.stdout).toContain('color\t<string>');
    expect(v2.stdout).toContain('The color of the gizmo.');
    const v1 = await k.kubectl(['explain', 'gizmos.spec', '--api-version=example.com/v1']);
    expect(v1.stdout).toContain('size\t<string>');
    expect(v1.stdout).not.toContain('color');
  }, 60_000);
});
