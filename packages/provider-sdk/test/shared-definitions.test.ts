import { describe, expect, it } from 'vitest';
import { createEngine, ProviderRegistry, withSharedDefinitions } from '@innominatus/core';
import { loadProvider } from '../src/load/load-provider';
import { writeTree } from './helpers/fixtures';
import { testSteps } from './helpers/test-steps';

const PROVIDER = `apiVersion: v1
kind: Provider
metadata:
  name: shared-team
  version: 1.0.0
capabilities:
  resourceTypeCapabilities:
    - type: thing
      operations:
        create:
          workflow: create-thing
          parameters:
            name: \${{ resource.name }}
        delete:
          workflow: delete-thing
          parameters:
            name: \${{ resource.name }}
parameters:
  - name: name
    type: string
    required: true
    description: the thing's name
  - name: copies
    type: integer
    default: 2
vars:
  object_name: \${{ parameters.name + "-thing" }}
  doubled: \${{ parameters.copies * 2 }}
workflows:
  - name: create-thing
    file: ./create.yaml
    operation: create
  - name: delete-thing
    file: ./delete.yaml
    operation: delete
`;

const CREATE = `apiVersion: innominatus.io/v1
kind: Workflow
metadata:
  name: create-thing
parameters:
  - name: size
    type: string
    default: small
vars:
  label: \${{ vars.object_name + "/" + parameters.size }}
steps:
  - name: apply
    type: test-apply
    with:
      manifest: { kind: Thing, metadata: { name: "\${{ vars.object_name }}" } }
      replicas: \${{ vars.doubled }}
outputs:
  name: \${{ steps.apply.outputs.name }}
  label: \${{ vars.label }}
`;

const DELETE = `apiVersion: innominatus.io/v1
kind: Workflow
metadata:
  name: delete-thing
steps:
  - name: remove
    type: test-apply
    with:
      manifest: { kind: Thing, metadata: { name: "\${{ vars.object_name }}" } }
outputs:
  name: \${{ steps.remove.outputs.name }}
`;

async function load(files: Record<string, string> = {}) {
  const dir = await writeTree({ 'provider.yaml': PROVIDER, 'create.yaml': CREATE, 'delete.yaml': DELETE, ...files });
  return loadProvider(dir, { steps: testSteps(), displayRoot: dir });
}

const shown = (ds: Array<{ file: string; line: number; col: number; code: string; message: string }>) =>
  ds.map((d) => `${d.file}:${d.line}:${d.col} ${d.code} ${d.message}`);

describe('shared parameters and vars of provider.yaml', () => {
  it('every workflow has the shared parameters (first) and reads the shared vars; each runs with them', async () => {
    const r = await load();
    expect(r.diagnostics).toEqual([]);
    const create = r.provider!.workflows.get('create-thing')!;
    const remove = r.provider!.workflows.get('delete-thing')!;
    expect(create.workflow.parameters!.map((p) => p.name)).toEqual(['name', 'copies', 'size']);
    expect(remove.workflow.parameters!.map((p) => p.name)).toEqual(['name', 'copies']);
    expect(Object.keys(remove.workflow.vars!)).toEqual(['object_name', 'doubled']);
    const engine = createEngine({ steps: testSteps() });
    expect((await engine.run(create, { parameters: { name: 'a' } })).outputs).toEqual({ name: 'a-thing', label: 'a-thing/small' });
    expect((await engine.run(remove, { parameters: { name: 'a' } })).outputs).toEqual({ name: 'a-thing' });
    // The registry accepts the combined workflows.
    expect(new ProviderRegistry().register(r.provider!).resolve('thing', 'delete').workflowName).toBe('delete-thing');
  });

  it('a shared var is typed once: a workflow using it as the wrong type is an error in its own file', async () => {
    const r = await load({ 'delete.yaml': DELETE.replace('metadata: { name: "${{ vars.object_name }}" }', 'metadata: { name: "${{ vars.doubled + 1 }}" }') });
    expect(shown(r.diagnostics)).toEqual([
      'delete.yaml:9:50 STEP_INPUT_INVALID step input: steps[0].with.manifest.metadata.name must be string (got ${{ vars.doubled + 1 }}, of type integer)',
    ]);
  });

  it('reports a problem inside the shared definitions once, at its place in provider.yaml', async () => {
    const r = await load({ 'provider.yaml': PROVIDER.replace('parameters.name + "-thing"', 'parameters.size + "-thing"') });
    expect(shown(r.diagnostics)).toEqual(["provider.yaml:27:20 UNKNOWN_REFERENCE 'parameters.size' reads parameter 'size', which is not declared"]);
  });

  it('reports a cycle and a type error of shared vars in provider.yaml', async () => {
    const r = await load({ 'provider.yaml': PROVIDER.replace('parameters.copies * 2', 'parameters.name * 2') });
    expect(shown(r.diagnostics)).toEqual([
      "provider.yaml:28:32 EXPRESSION_TYPE expression 'parameters.name * 2' does not type-check at character 17: no such overload: string * int",
    ]);
    const cyc = await load({
      'provider.yaml': PROVIDER.replace('parameters.name + "-thing"', 'vars.doubled').replace('parameters.copies * 2', 'vars.object_name'),
    });
    expect(cyc.diagnostics.map((d) => [d.file, d.code])).toEqual([['provider.yaml', 'VARS_CYCLE']]);
  });

  it('a workflow declaring a shared parameter or var again is an error at its own declaration', async () => {
    const r = await load({
      'create.yaml': CREATE.replace('  - name: size', '  - name: copies\n    type: integer\n  - name: size').replace('vars:\n', 'vars:\n  object_name: x\n'),
    });
    expect(shown(r.diagnostics)).toEqual([
      "create.yaml:6:11 DUPLICATE_PARAMETER parameter 'copies' is declared by the provider (provider.yaml parameters[1]); remove it here",
      "create.yaml:12:3 DUPLICATE_VAR var 'object_name' is declared by the provider (provider.yaml vars.object_name); remove it here",
    ]);
  });

  it('a run-time error inside a shared var points into provider.yaml', async () => {
    const r = await load({ 'provider.yaml': PROVIDER.replace('parameters.copies * 2', 'parameters.copies / 0') });
    expect(r.diagnostics).toEqual([]);
    const engine = createEngine({ steps: testSteps() });
    const err = await engine.run(r.provider!.workflows.get('delete-thing')!, { parameters: { name: 'a' } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ path: '/vars/doubled', position: { file: 'provider.yaml', line: 28, col: 34 } });
  });

  it('the registry refuses a provider whose workflows were not combined with its shared definitions', async () => {
    const r = await load();
    const raw = new Map([...r.provider!.workflows].map(([k, w]) => [k, { workflow: { ...w.workflow, vars: {} } }]));
    expect(() => new ProviderRegistry().register({ ...r.provider!, workflows: raw })).toThrow(
      "provider 'shared-team': workflow 'create-thing' lacks the provider's vars.object_name, vars.doubled: combine each workflow with the shared definitions (withSharedDefinitions) before registering it",
    );
  });

  it('withSharedDefinitions maps each pointer of the combined workflow to where it was written', () => {
    const combined = withSharedDefinitions(
      { apiVersion: 'v1', kind: 'Workflow', metadata: { name: 'w' }, parameters: [{ name: 'own', type: 'string' }], vars: { mine: 1 }, steps: [] },
      {
        parameters: [
          { name: 'a', type: 'string' },
          { name: 'b', type: 'string' },
        ],
        vars: { 'x/y': 1 },
      },
    );
    expect(combined.issues).toEqual([]);
    expect(combined.workflow.parameters!.map((p) => p.name)).toEqual(['a', 'b', 'own']);
    expect(combined.origin('/parameters/1/pattern')).toEqual({ in: 'provider', pointer: '/parameters/1/pattern' });
    expect(combined.origin('/parameters/2/default')).toEqual({ in: 'workflow', pointer: '/parameters/0/default' });
    expect(combined.origin('/vars/x~1y')).toEqual({ in: 'provider', pointer: '/vars/x~1y' });
    expect(combined.origin('/vars/mine')).toEqual({ in: 'workflow', pointer: '/vars/mine' });
    expect(combined.origin('/steps/0/with')).toEqual({ in: 'workflow', pointer: '/steps/0/with' });
  });
});
