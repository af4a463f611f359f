import { symlink, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProvider } from '../src/load/load-provider';
import { formatDiagnostic } from '../src/diagnostics/diagnostic';
import { testSteps } from './helpers/test-steps';
import { PROVIDER_YAML, writeProvider, writeTree } from './helpers/fixtures';

async function load(overrides: Record<string, string | Uint8Array> = {}) {
  const dir = await writeProvider(overrides);
  return { dir, ...(await loadProvider(dir, { steps: testSteps(), displayRoot: dir })) };
}

function edit(from: string, to: string): string {
  if (!PROVIDER_YAML.includes(from)) throw new Error(`fixture has no '${from}'`);
  return PROVIDER_YAML.replace(from, to);
}

const lines = (ds: { line: number; col: number; code: string; severity: string }[]) => ds.map((d) => `${d.line}:${d.col} ${d.severity} ${d.code}`);

describe('loadProvider', () => {
  it('loads a valid provider with its workflows', async () => {
    const r = await load();
    expect(r.diagnostics).toEqual([]);
    expect(r.provider?.provider.metadata.name).toBe('database-team');
    expect([...r.provider!.workflows.keys()]).toEqual(['provision-postgres', 'delete-postgres']);
    const wf = r.provider!.workflows.get('provision-postgres')!;
    expect(wf.source?.file).toBe('workflows/provision-postgres.yaml');
    expect(wf.source?.positionOf('/steps/1')).toEqual({ file: 'workflows/provision-postgres.yaml', line: 35, col: 5 });
  });

  const cases: Array<{ name: string; yaml: string; expect: string; message: string }> = [
    {
      name: 'legacy kind',
      yaml: edit('kind: Provider', 'kind: Platform'),
      expect: '2:7 warning LEGACY_KIND',
      message: "kind 'Platform' is the legacy name; use 'Provider'",
    },
    {
      name: 'core too old',
      yaml: edit('minCoreVersion: 1.0.0\n  maxCoreVersion: 2.0.0', 'minCoreVersion: 3.0.0\n  maxCoreVersion: 4.0.0'),
      expect: '8:19 error CORE_VERSION_INCOMPATIBLE',
      message: 'provider needs core 3.0.0 or newer; this is core 1.0.0',
    },
    {
      name: 'file with ..',
      yaml: edit('file: ./workflows/delete-postgres.yaml', 'file: ../delete-postgres.yaml'),
      expect: '30:11 error FILE_OUTSIDE_PROVIDER',
      message: "file '../delete-postgres.yaml' is outside the provider folder",
    },
    {
      name: 'absolute file',
      yaml: edit('file: ./workflows/delete-postgres.yaml', 'file: /etc/passwd'),
      expect: '30:11 error FILE_OUTSIDE_PROVIDER',
      message: "file '/etc/passwd' is an absolute path",
    },
    {
      name: 'missing file',
      yaml: edit('file: ./workflows/delete-postgres.yaml', 'file: ./workflows/nope.yaml'),
      expect: '30:11 error FILE_NOT_FOUND',
      message: "file './workflows/nope.yaml' does not exist",
    },
    {
      name: 'operation names an unknown workflow',
      yaml: edit('workflow: delete-postgres', 'workflow: delete-postgress'),
      expect: '20:21 error WORKFLOW_NOT_FOUND',
      message: "operation 'delete' of 'postgres' names workflow 'delete-postgress', which is not in 'workflows'; did you mean 'delete-postgres'?",
    },
    {
      name: 'duplicate workflow',
      yaml: `${PROVIDER_YAML}  - name: delete-postgres\n    file: ./workflows/delete-postgres.yaml\n`,
      expect: '32:11 error DUPLICATE_WORKFLOW',
      message: "workflow name 'delete-postgres' is already used by workflows[1]",
    },
    {
      name: 'alias target missing',
      yaml: edit('aliasFor: postgres', 'aliasFor: postgre'),
      expect: '24:17 error ALIAS_TARGET_MISSING',
      message: "'postgresql' is an alias for 'postgre', which this provider does not serve; did you mean 'postgres'?",
    },
    {
      name: 'alias chain',
      yaml: edit('      aliasFor: postgres\n', '      aliasFor: postgres\n    - type: pg\n      aliasFor: postgresql\n'),
      expect: '26:17 error ALIAS_CHAIN',
      message: "'pg' is an alias for 'postgresql', which is itself an alias (for 'postgres')",
    },
    {
      name: 'operation mismatch',
      yaml: edit('    operation: delete', '    operation: update'),
      expect: '20:21 error OPERATION_MISMATCH',
      message: "workflow 'delete-postgres' is declared for operation 'update' but used for 'delete'",
    },
    {
      name: 'mapping names an undeclared parameter',
      yaml: edit('            namespace: ${{ resource.application }}', '            namespace: ${{ resource.application }}\n            sise: large'),
      expect: '19:13 error MAPPING_UNKNOWN_PARAMETER',
      message: "workflow 'provision-postgres' has no parameter 'sise'; did you mean 'size'?",
    },
    {
      name: 'required parameter unmapped',
      yaml: edit('            namespace: ${{ resource.application }}\n', ''),
      expect: '14:9 error REQUIRED_PARAMETER_UNMAPPED',
      message: "required parameter 'namespace' of workflow 'provision-postgres' is not mapped for 'create' of 'postgres'",
    },
    {
      name: 'mapping expression syntax',
      yaml: edit('db_name: ${{ resource.name }}\n            namespace', 'db_name: ${{ resource.name + }}\n            namespace'),
      expect: '17:41 error EXPRESSION_SYNTAX',
      message: "expression 'resource.name +' does not parse",
    },
    {
      name: 'mapping reads an unknown resource field',
      yaml: edit('${{ resource.application }}', '${{ resource.app }}'),
      expect: '18:28 error UNKNOWN_REFERENCE',
      message: "resource has no field 'app'; did you mean 'application'?",
    },
    {
      name: 'type listed twice',
      yaml: edit(
        '    - type: postgresql\n      aliasFor: postgres\n',
        '    - type: postgres\n      operations: { delete: { workflow: delete-postgres, parameters: { db_name: x } } }\n',
      ),
      expect: '23:13 error DUPLICATE_TYPE',
      message: "resource type 'postgres' is already listed at resourceTypeCapabilities[0]",
    },
    {
      name: 'operation with workflow and workflows',
      yaml: edit('          workflow: delete-postgres\n', '          workflow: delete-postgres\n          workflows: [{ name: delete-postgres }]\n'),
      expect: '19:9 error OPERATION_INVALID',
      message: "operation 'delete' has both 'workflow' and 'workflows'; use one",
    },
    {
      name: 'alias with operations',
      yaml: edit('      aliasFor: postgres\n', '      aliasFor: postgres\n      operations: { create: { workflow: provision-postgres } }\n'),
      expect: '25:7 error OPERATION_INVALID',
      message: "'postgresql' is an alias; it takes the operations of 'postgres' and cannot have its own",
    },
    {
      name: 'wrong field type',
      yaml: edit('version: 1.0.0', 'version: 1'),
      expect: '5:12 error PROVIDER_SCHEMA',
      message: 'metadata.version must be string (got 1)',
    },
    {
      name: 'unknown key',
      yaml: edit('  category: data', '  categroy: data'),
      expect: '6:3 error UNKNOWN_KEY',
      message: "unknown key 'categroy' in metadata; did you mean 'category'?",
    },
  ];
  for (const c of cases) {
    it(`reports ${c.expect.split(' ').pop()}: ${c.name}`, async () => {
      const r = await load({ 'provider.yaml': c.yaml });
      expect(lines(r.diagnostics)).toEqual([c.expect]);
      expect(r.diagnostics[0]!.file).toBe('provider.yaml');
      expect(r.diagnostics[0]!.message).toContain(c.message);
      expect(r.provider === undefined).toBe(c.expect.includes(' error '));
    });
  }

  it('rejects a workflow file that is a symlink out of the provider folder', async () => {
    const outside = await writeTree({ 'evil.yaml': 'apiVersion: innominatus.io/v1\nkind: Workflow\nmetadata: { name: delete-postgres }\nsteps: []\n' });
    const dir = await writeProvider();
    await writeFile(join(dir, 'workflows/delete-postgres.yaml'), '');
    const { rm } = await import('node:fs/promises');
    await rm(join(dir, 'workflows/delete-postgres.yaml'));
    await symlink(join(outside, 'evil.yaml'), join(dir, 'workflows/delete-postgres.yaml'));
    const r = await loadProvider(dir, { steps: testSteps(), displayRoot: dir });
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      "provider.yaml:30:11: error: file './workflows/delete-postgres.yaml' is a symlink to a place outside the provider folder [FILE_OUTSIDE_PROVIDER]",
    ]);
  });

  it('reports problems of workflow files at their own positions', async () => {
    const r = await load({
      'workflows/delete-postgres.yaml':
        'apiVersion: innominatus.io/v1\nkind: Workflow\nmetadata:\n  name: delete-postgres\nparameters:\n  - { name: db_name, type: string, required: true }\nsteps:\n  - name: remove\n    type: test-apply\n    with:\n      manifest: { kind: x, metadata: { name: "${{ parameters.dbname }}" } }\n',
    });
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      "workflows/delete-postgres.yaml:11:51: error: 'parameters.dbname' reads parameter 'dbname', which is not declared; did you mean 'db_name'? [UNKNOWN_REFERENCE]",
    ]);
    expect(r.provider).toBeUndefined();
  });

  it('warns when a workflow file names itself differently', async () => {
    const r = await load({
      'workflows/delete-postgres.yaml': (await import('./helpers/fixtures')).DELETE_YAML.replace('name: delete-postgres', 'name: remove-postgres'),
    });
    expect(lines(r.diagnostics)).toEqual(['30:11 warning WORKFLOW_NAME_MISMATCH']);
  });
});

describe('bad input never throws and gives a diagnostic', () => {
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    .concat(
      ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map(
        (k, i) =>
          `${k}: &${k} [${Array(9)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(',')}]`,
      ),
    )
    .join('\n');
  const cases: Array<{ name: string; content: string | Uint8Array; expect: string }> = [
    { name: 'empty file', content: '', expect: 'provider.yaml:1:1: error: file is empty [EMPTY_FILE]' },
    { name: 'only comments', content: '# nothing\n', expect: 'provider.yaml:1:1: error: file is empty [EMPTY_FILE]' },
    { name: 'plain text', content: 'hello world', expect: 'provider.yaml:1:1: error: expected a YAML mapping at the top level, found a string [NOT_YAML]' },
    { name: 'a list', content: '- a\n- b\n', expect: 'provider.yaml:1:1: error: expected a YAML mapping at the top level, found a list [NOT_YAML]' },
    {
      name: 'broken YAML',
      content: 'a: [1, 2\n',
      expect:
        "provider.yaml:2:1: error: Flow sequence in block collection must be sufficiently indented and end with a ]; the plain value of 'a' starts with '[', which YAML reads as a list; if it is text, quote it: a: '[1, 2' [YAML_SYNTAX]",
    },
    {
      name: 'a list as a key',
      content: 'a: 1\n? [a, b]\n: 1\n',
      expect: 'provider.yaml:2:3: error: keys must be plain strings (got a list key) [NON_STRING_KEY]',
    },
    {
      name: 'a list as a key in a flow mapping',
      content: 'x: { [1]: x }\n',
      expect: 'provider.yaml:1:6: error: keys must be plain strings (got a list key) [NON_STRING_KEY]',
    },
    {
      name: 'a mapping as a key',
      content: '? { a: 1 }\n: 2\n',
      expect: 'provider.yaml:1:3: error: keys must be plain strings (got a mapping key) [NON_STRING_KEY]',
    },
    {
      name: 'a tagged key',
      content: 'a:\n  !!int 1: 2\n',
      expect: 'provider.yaml:2:3: error: keys must be plain strings (got a key tagged !!int) [NON_STRING_KEY]',
    },
    {
      name: 'an alias as a key',
      content: 'a: &x [1]\n*x : 2\n',
      expect: 'provider.yaml:2:1: error: keys must be plain strings (got an alias key (*x)) [NON_STRING_KEY]',
    },
    {
      name: 'two documents',
      content: 'a: 1\n---\nb: 2\n',
      expect: 'provider.yaml:2:1: error: file holds more than one YAML document (---); put one document in each file [YAML_SYNTAX]',
    },
    {
      name: 'many comment lines then text (no regex backtracking)',
      content: `${'#\n'.repeat(20000)} x`,
      expect: 'provider.yaml:1:1: error: expected a YAML mapping at the top level, found a string [NOT_YAML]',
    },
    {
      name: 'alias bomb',
      content: bomb,
      expect:
        'provider.yaml:6:14: error: document expands to more than 250000 values after alias expansion (at alias *e); the limit is 250000 [YAML_EXPANSION_LIMIT]',
    },
    {
      name: 'more than 100 aliases',
      content: `a: &a x\nb: [${Array(101).fill('*a').join(', ')}]\n`,
      expect: 'provider.yaml:1:1: error: too many alias expansions (limit 100): a YAML alias bomb? [YAML_ALIAS_LIMIT]',
    },
    {
      name: 'over 1 MiB',
      content: `a: "${'x'.repeat(1024 * 1024)}"\n`,
      expect: 'provider.yaml:1:1: error: file is 1048582 bytes; the limit is 1048576 bytes [FILE_TOO_LARGE]',
    },
    {
      name: 'binary garbage',
      content: new Uint8Array([0xff, 0xfe, 0x00, 0x12, 0x80, 0x81, 0xc3, 0x28]),
      expect: 'provider.yaml:1:1: error: file is not UTF-8 text (binary content?) [NOT_YAML]',
    },
    { name: 'NUL bytes', content: 'a: 1\n\0\0\0', expect: 'provider.yaml:1:1: error: file holds a NUL byte at offset 5 (binary content?) [NOT_YAML]' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const dir = await writeTree({ 'provider.yaml': c.content });
      const r = await loadProvider(dir, { steps: testSteps(), displayRoot: dir });
      expect(r.diagnostics.map(formatDiagnostic)).toEqual([c.expect]);
      expect(r.provider).toBeUndefined();
    });
  }

  it('a folder without provider.yaml', async () => {
    const dir = await writeTree({ 'README.md': 'hi' });
    const r = await loadProvider(join(dir), { steps: testSteps(), displayRoot: join(dir, '..') });
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!.code).toBe('PROVIDER_FILE_MISSING');
    expect(r.diagnostics[0]!.message).toMatch(/^no provider\.yaml in folder 'provider-sdk-\w+'$/);
  });

  it('every field of the wrong type', async () => {
    const dir = await writeTree({ 'provider.yaml': 'apiVersion: 2\nkind: [Provider]\nmetadata: name\ncompatibility: 1\ncapabilities: yes\nworkflows: {}\n' });
    const r = await loadProvider(dir, { steps: testSteps(), displayRoot: dir });
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      'provider.yaml:1:13: error: apiVersion must be string (got 2) [PROVIDER_SCHEMA]',
      'provider.yaml:1:13: error: apiVersion must be one of "v1", "innominatus.io/v1" (got 2) [PROVIDER_SCHEMA]',
      'provider.yaml:2:7: error: kind must be string (got a list) [PROVIDER_SCHEMA]',
      'provider.yaml:2:7: error: kind must be one of "Provider", "Platform" (got a list) [PROVIDER_SCHEMA]',
      'provider.yaml:3:11: error: metadata must be object (got "name") [PROVIDER_SCHEMA]',
      'provider.yaml:4:16: error: compatibility must be object (got 1) [PROVIDER_SCHEMA]',
      'provider.yaml:5:15: error: capabilities must be object (got "yes") [PROVIDER_SCHEMA]',
      'provider.yaml:6:12: error: workflows must be array (got a mapping) [PROVIDER_SCHEMA]',
    ]);
  });

  it('a workflow file with every kind of garbage', async () => {
    const dir = await writeProvider({ 'workflows/delete-postgres.yaml': new Uint8Array([0xc3, 0x28, 0xa0, 0xa1]) });
    await mkdir(join(dir, 'sub'), { recursive: true });
    const r = await loadProvider(dir, { steps: testSteps(), displayRoot: dir });
    expect(r.diagnostics.map(formatDiagnostic)).toEqual(['workflows/delete-postgres.yaml:1:1: error: file is not UTF-8 text (binary content?) [NOT_YAML]']);
  });
});
