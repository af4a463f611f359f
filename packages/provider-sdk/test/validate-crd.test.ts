import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { postgresqlCrd } from '@innominatus/steps-kubernetes/testing';
import { writeTree } from './helpers/fixtures';
import { runCli } from './helpers/run-cli';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** A workflow applying one Zalando `postgresql` (the spec lines from line 19). */
const workflow = (spec: string) => `apiVersion: innominatus.io/v1
kind: Workflow
metadata:
  name: wf
parameters:
  - { name: name, type: string }
  - { name: replicas, type: integer }
steps:
  - name: apply
    type: kubernetes-apply
    with:
      manifests:
        - apiVersion: acid.zalan.do/v1
          kind: postgresql
          metadata:
            name: \${{ parameters.name }}
            namespace: db
          spec:
${spec}`;

async function withCrd(files: Record<string, string>): Promise<string> {
  return writeTree({ 'crd.yaml': stringify(postgresqlCrd()), ...files });
}

describe('provider-sdk validate --crd', () => {
  it('the database-team provider validates against the Zalando operator CRD', async () => {
    const dir = await withCrd({});
    const r = await runCli(['validate', 'providers/database-team', '--crd', `${dir}/crd.yaml`], REPO);
    expect(r).toStrictEqual({ code: 0, stdout: '✔ 1 provider valid (3 workflows, 0 warnings)\n', stderr: '' });
  });

  it('reports unknown fields, enums, patterns and wrong types at file:line:col, and nothing a whole expression hides', async () => {
    const spec = [
      '            teamId: ${{ parameters.name }}',
      '            numberOfInstance: 2',
      '            numberOfInstances: n-${{ parameters.replicas }}',
      '            postgresql: { version: "9" }',
      '            volume: { size: 1 GB }',
      `            resources: '\${{ {"requests": {"cpu": "1"}} }}'`,
      '',
    ].join('\n');
    const dir = await withCrd({ 'wf.yaml': workflow(spec) });
    const r = await runCli(['validate', 'wf.yaml', '--crd', 'crd.yaml'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')).toStrictEqual([
      'wf.yaml:20:13: error: postgresql has no field spec.numberOfInstance (CRD postgresqls.acid.zalan.do; the API server refuses it under strict field validation) [MANIFEST_UNKNOWN_FIELD]',
      'wf.yaml:21:32: error: postgresql spec.numberOfInstances: Invalid value: "string": spec.numberOfInstances in body must be of type integer: "string" (CRD postgresqls.acid.zalan.do) [MANIFEST_INVALID]',
      'wf.yaml:22:36: error: postgresql spec.postgresql.version: Unsupported value: "9": supported values: "14", "15", "16", "17", "18" (CRD postgresqls.acid.zalan.do) [MANIFEST_INVALID]',
      'wf.yaml:23:29: error: postgresql spec.volume.size: Invalid value: "1 GB": spec.volume.size in body should match \'^(\\d+(e\\d+)?|\\d+(\\.\\d+)?(e\\d+)?[EPTGMK]i?)$\' (CRD postgresqls.acid.zalan.do) [MANIFEST_INVALID]',
      '✖ 4 errors, 0 warnings in 1 workflow file',
      '',
    ]);
  });

  it('checks the manifests of onFailure steps too, at their own place', async () => {
    const cleanup = [
      'onFailure:',
      '  - name: mark',
      '    type: kubernetes-apply',
      '    with:',
      '      manifests:',
      '        - apiVersion: acid.zalan.do/v1',
      '          kind: postgresql',
      '          metadata: { name: "${{ parameters.name }}", namespace: db }',
      '          spec:',
      '            teamId: acid',
      '            numberOfInstances: 1',
      '            volume: { size: 1Gi }',
      '            postgresql: { version: "12" }',
      '',
    ].join('\n');
    const spec = '            teamId: acid\n            numberOfInstances: 1\n            volume: { size: 1Gi }\n            postgresql: { version: "16" }\n';
    const dir = await withCrd({ 'wf.yaml': `${workflow(spec)}${cleanup}` });
    const r = await runCli(['validate', 'wf.yaml', '--crd', 'crd.yaml'], dir);
    expect(r.stdout.split('\n')).toStrictEqual([
      'wf.yaml:35:36: error: postgresql spec.postgresql.version: Unsupported value: "12": supported values: "14", "15", "16", "17", "18" (CRD postgresqls.acid.zalan.do) [MANIFEST_INVALID]',
      '✖ 1 error, 0 warnings in 1 workflow file',
      '',
    ]);
    expect(r.code).toBe(1);
  });

  it('an invalid CRD file is a diagnostic at that file', async () => {
    const dir = await writeTree({ 'crd.yaml': 'kind: CustomResourceDefinition\napiVersion: apiextensions.k8s.io/v1\nmetadata: { name: x }\n' });
    const r = await runCli(['validate', `${REPO}providers/database-team`, '--crd', 'crd.yaml'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toMatch(/^crd\.yaml:1:1: error: CustomResourceDefinition\.apiextensions\.k8s\.io "x" is invalid: .*\[CRD_INVALID\]$/);
  });
});

/** A workflow applying a ConfigMap and a Secret (built-in kinds); the ConfigMap's fields from line 16, the Secret's `stringData` after them. */
const builtinWorkflow = (configMap: string, stringData: string) => `apiVersion: innominatus.io/v1
kind: Workflow
metadata:
  name: wf
parameters:
  - { name: name, type: string }
  - { name: replicas, type: integer }
steps:
  - name: apply
    type: kubernetes-apply
    with:
      manifests:
        - apiVersion: v1
          kind: ConfigMap
          metadata: { name: "\${{ parameters.name }}", namespace: db }
${configMap}
        - apiVersion: v1
          kind: Secret
          metadata: { name: "\${{ parameters.name }}", namespace: db }
          stringData: { ${stringData} }
`;

describe('provider-sdk validate: manifests of built-in kinds, without --crd', () => {
  it('unknown fields, literal types and the types of whole expressions, at file:line:col', async () => {
    const configMap = [
      '          dat: { a: b }',
      '          data: { size: "${{ parameters.replicas }}", name: "db-${{ parameters.replicas }}", plain: "${{ parameters.name }}" }',
      '          immutable: "yes"',
    ].join('\n');
    const dir = await writeTree({ 'wf.yaml': builtinWorkflow(configMap, 'count: "${{ parameters.replicas }}", name: "${{ parameters.name }}"') });
    const r = await runCli(['validate', 'wf.yaml'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')).toStrictEqual([
      'wf.yaml:16:11: error: ConfigMap has no field dat (the built-in schema of ConfigMap; the API server refuses it under strict field validation) [MANIFEST_UNKNOWN_FIELD]',
      'wf.yaml:17:25: error: ConfigMap data.size: Invalid value: "integer": data.size in body must be of type string: "integer"; ${{ parameters.replicas }} is of type integer (the built-in schema of ConfigMap) [MANIFEST_INVALID]',
      'wf.yaml:18:22: error: ConfigMap immutable: Invalid value: "string": immutable in body must be of type boolean: "string" (the built-in schema of ConfigMap) [MANIFEST_INVALID]',
      'wf.yaml:22:32: error: Secret stringData.count: Invalid value: "integer": stringData.count in body must be of type string: "integer"; ${{ parameters.replicas }} is of type integer (the built-in schema of Secret) [MANIFEST_INVALID]',
      '✖ 4 errors, 0 warnings in 1 workflow file',
      '',
    ]);
  });

  it('a workflow applying built-in kinds correctly validates', async () => {
    const dir = await writeTree({
      'wf.yaml': builtinWorkflow(
        '          data: { name: "${{ parameters.name }}", n: "n-${{ parameters.replicas }}" }',
        'count: "${{ string(parameters.replicas) }}"',
      ),
    });
    const r = await runCli(['validate', 'wf.yaml'], dir);
    expect(r).toStrictEqual({ code: 0, stdout: '✔ 1 workflow file valid (1 workflow, 0 warnings)\n', stderr: '' });
  });
});
