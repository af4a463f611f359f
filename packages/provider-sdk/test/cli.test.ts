import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { StepRegistry } from '@innominatus/core';
import { workflowSchemaWithSteps } from '../src/schema/editor-schema';
import { providerSchema, workflowSchema } from '../src/schema/schemas';
import { defaultSteps } from '../src/steps/default-steps';
import { PROVIDER_YAML, writeProvider, writeTree } from './helpers/fixtures';
import { runCli, TEST_STEPS } from './helpers/run-cli';

const steps = ['--steps', TEST_STEPS];

describe('provider-sdk validate', () => {
  it('exits 0 for a valid provider and prints a summary', async () => {
    const dir = await writeProvider();
    const r = await runCli(['validate', '.', ...steps], dir);
    expect(r).toEqual({ code: 0, stdout: '✔ 1 provider valid (2 workflows, 0 warnings)\n', stderr: '' });
  });

  it('prints path:line:col: severity: message [CODE] for every problem and exits 1', async () => {
    const parent = await writeTree({});
    await writeProvider({
      'provider.yaml': PROVIDER_YAML.replace('kind: Provider', 'kind: Platform').replace('aliasFor: postgres', 'aliasFor: postgre'),
    }).then((d) => writeTree({}, d));
    const dir = await writeProvider({
      'provider.yaml': PROVIDER_YAML.replace('kind: Provider', 'kind: Platform').replace('aliasFor: postgres', 'aliasFor: postgre'),
    });
    const r = await runCli(['validate', dir, ...steps], parent);
    const rel = join('..', dir.split('/').pop()!);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      `${rel}/provider.yaml:2:7: warning: kind 'Platform' is the legacy name; use 'Provider' [LEGACY_KIND]\n` +
        `${rel}/provider.yaml:24:17: error: 'postgresql' is an alias for 'postgre', which this provider does not serve; did you mean 'postgres'? [ALIAS_TARGET_MISSING]\n` +
        '✖ 1 error, 1 warning in 1 provider\n',
    );
  });

  it('reports two providers claiming one resource type as the registry would', async () => {
    const one = await writeProvider();
    const two = await writeProvider({ 'provider.yaml': PROVIDER_YAML.replace('name: database-team', 'name: other-team') });
    const r = await runCli(['validate', one, two, ...steps], one);
    const rel = join('..', two.split('/').pop()!);
    expect(r).toEqual({
      code: 1,
      stdout:
        `${rel}/provider.yaml:4:9: error: resource type 'postgres' is claimed by providers 'database-team' and 'other-team' [PROVIDER_CONFLICT]\n` +
        '✖ 1 error, 0 warnings in 2 providers\n',
      stderr: '',
    });
  });

  it('validates single workflow files and provider.yaml files, and prints JSON', async () => {
    const dir = await writeProvider({
      'workflows/broken.yaml':
        'apiVersion: innominatus.io/v1\nkind: Workflow\nmetadata: { name: broken }\nsteps:\n  - { name: a, type: test-credentials, with: { name: 1 } }\n',
    });
    const r = await runCli(['validate', 'provider.yaml', 'workflows/broken.yaml', '--format', 'json', ...steps], dir);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.valid).toBe(false);
    expect(out.errors).toBe(1);
    expect(out.checked.map((c: { kind: string; errors: number }) => `${c.kind}:${c.errors}`)).toEqual(['provider:0', 'workflow:1']);
    expect(out.diagnostics).toEqual([
      {
        code: 'STEP_INPUT_INVALID',
        severity: 'error',
        message: 'step input: steps[0].with.name must be string (got 1)',
        file: 'workflows/broken.yaml',
        line: 5,
        col: 54,
        pointer: '/steps/0/with/name',
      },
    ]);
  });

  it('colours only when asked (a TTY)', async () => {
    const dir = await writeProvider({ 'provider.yaml': PROVIDER_YAML.replace('kind: Provider', 'kind: Platform') });
    const plain = await runCli(['validate', '.', ...steps], dir);
    expect(plain.stdout).not.toContain('\u001b[');
    const coloured = await runCli(['validate', '.', ...steps], dir, true);
    expect(coloured.stdout).toContain('\u001b[33mwarning\u001b[39m');
  });

  it('gives diagnostics, not stack traces, for bad input', async () => {
    const dir = await writeTree({ 'empty/provider.yaml': '', 'nothing/README.md': 'x', 'bin/provider.yaml': new Uint8Array([0xff, 0x00, 0xfe]) });
    const r = await runCli(['validate', 'empty', 'nothing', 'bin', 'missing', ...steps], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      'bin/provider.yaml:1:1: error: file is not UTF-8 text (binary content?) [NOT_YAML]\n' +
        'empty/provider.yaml:1:1: error: file is empty [EMPTY_FILE]\n' +
        "missing:1:1: error: file 'missing' does not exist [FILE_NOT_FOUND]\n" +
        "nothing:1:1: error: no provider.yaml in folder 'nothing' [PROVIDER_FILE_MISSING]\n" +
        '✖ 4 errors, 0 warnings in 3 providers and 1 workflow file\n',
    );
    expect(r.stderr).toBe('');
  });

  it('exits 2 on usage errors', async () => {
    const dir = await writeProvider();
    expect((await runCli(['validate'], dir)).code).toBe(2);
    expect((await runCli(['validate', '.', '--format', 'xml'], dir)).code).toBe(2);
    expect((await runCli(['frobnicate'], dir)).code).toBe(2);
    const badSteps = await runCli(['validate', '.', '--steps', './nope.js'], dir);
    expect(badSteps.code).toBe(2);
    expect(badSteps.stderr).toMatch(/^error: cannot load steps module '\.\/nope\.js': /);
  });
});

describe('provider-sdk render', () => {
  it('prints rendered inputs with typed placeholders and hides sensitive values', async () => {
    const dir = await writeProvider();
    const r = await runCli(
      ['render', '.', '--workflow', 'provision-postgres', '--param', 'db_name=orders', '--param', 'namespace=shop', '--param', 'replicas=3', ...steps],
      dir,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = parse(r.stdout);
    expect(doc.parameters).toEqual({ db_name: 'orders', namespace: 'shop', replicas: 3, size: 'small' });
    expect(doc.vars.cluster_name).toBe('shop-orders');
    expect(doc.steps[0]).toEqual({
      name: 'create-cluster',
      type: 'test-apply',
      with: { manifest: { kind: 'postgresql', metadata: { name: 'shop-orders' }, spec: { volume: { storage: '5Gi' } } }, replicas: 3 },
    });
    expect(doc.steps[1].with).toEqual({ name: '<steps.create-cluster.outputs.name: string>', successWhen: 'object.status == "Running"' });
    expect(doc.outputs).toEqual({
      host: 'shop-orders.shop.svc',
      uid: '<steps.create-cluster.outputs.uid: string>',
      username: '<steps.get-credentials.outputs.data.username: string>',
      password: '<sensitive>',
    });
  });

  it('renders a resource request through the capability mapping (alias too)', async () => {
    const dir = await writeProvider();
    const r = await runCli(
      [
        'render',
        '.',
        '--operation',
        'create',
        '--type',
        'postgresql',
        '--resource-name',
        'db',
        '--application',
        'my-app',
        '--property',
        'size=large',
        ...steps,
      ],
      dir,
    );
    expect(r.code).toBe(0);
    const doc = parse(r.stdout);
    expect(doc.workflow).toBe('provision-postgres');
    expect(doc.parameters).toEqual({ size: 'large', db_name: 'db', namespace: 'my-app', replicas: 1 });
    expect(doc.steps[0].with.manifest.spec.volume).toEqual({ storage: '50Gi' });
  });

  it('reads parameters from a file and reports invalid parameters without a stack', async () => {
    const dir = await writeProvider({ 'params.yaml': 'db_name: Orders\nnamespace: shop\nsize: huge\n' });
    const r = await runCli(['render', '.', '--workflow', 'provision-postgres', '--params-file', 'params.yaml', ...steps], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: .*parameter 'db_name' .*parameter 'size' .*\[PARAMETER_INVALID\]\n$/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('names the problem for an unknown workflow or type', async () => {
    const dir = await writeProvider();
    const wf = await runCli(['render', '.', '--workflow', 'provision-postgress', ...steps], dir);
    expect(wf).toEqual({
      code: 2,
      stdout: '',
      stderr:
        "error: provider 'database-team' has no workflow 'provision-postgress'; did you mean 'provision-postgres'? (workflows: provision-postgres, delete-postgres)\n",
    });
    const op = await runCli(['render', '.', '--operation', 'update', '--type', 'postgres', '--resource-name', 'db', '--application', 'a', ...steps], dir);
    expect(op).toEqual({
      code: 1,
      stdout: '',
      stderr: "error: provider 'database-team' has no workflow for operation 'update' of 'postgres' [OPERATION_NOT_SUPPORTED]\n",
    });
  });

  it('gives file:line:col for an expression that fails while rendering', async () => {
    const dir = await writeProvider({
      'workflows/delete-postgres.yaml': `apiVersion: innominatus.io/v1
kind: Workflow
metadata:
  name: delete-postgres
parameters:
  - name: db_name
    type: string
    required: true
steps:
  - name: remove
    type: test-apply
    with:
      manifest: { kind: deletion, metadata: { name: "\${{ string(int(parameters.db_name) * 2) }}" } }
`,
    });
    const r = await runCli(['render', '.', '--workflow', 'delete-postgres', '--param', 'db_name=x', ...steps], dir);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr:
        "error: workflows/delete-postgres.yaml:13:65: expression 'string(int(parameters.db_name) * 2)' failed at character 8: int() type error: cannot convert to int [EXPRESSION_ERROR]\n",
    });
  });
});

describe('secrets stay out of diagnostics and render output', () => {
  const SECRET = 'hunter2-secret-value';
  const wf = (extra: string) => `apiVersion: innominatus.io/v1
kind: Workflow
metadata: { name: provision-postgres }
parameters:
  - { name: db_name, type: string, required: true }
  - { name: namespace, type: string, required: true }
  - { name: token, type: string, sensitive: true, pattern: '^tok-', ${extra} }
vars:
  auth: \${{ "Bearer " + parameters.token }}
steps:
  - name: a
    type: test-credentials
    with: { name: "\${{ vars.auth }}" }
outputs:
  auth: { value: "\${{ vars.auth }}", sensitive: true }
`;

  it('does not print a sensitive default that is invalid', async () => {
    const dir = await writeProvider({ 'workflows/provision-postgres.yaml': wf(`default: ${SECRET}`) });
    const r = await runCli(['validate', '.', '--format', 'json', ...steps], dir);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).diagnostics.map((d: { code: string; message: string }) => `${d.code}: ${d.message}`)).toEqual([
      'PARAMETER_DEFAULT_INVALID: default of sensitive parameter \'token\' is invalid: value must match pattern "^tok-"',
    ]);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });

  it('renders sensitive parameters and everything computed from them as <sensitive>, and keeps a bad one out of errors', async () => {
    const dir = await writeProvider({ 'workflows/provision-postgres.yaml': wf('default: tok-abc') });
    const ok = await runCli(
      ['render', '.', '--workflow', 'provision-postgres', '--param', 'db_name=x', '--param', 'namespace=y', '--param', `token=tok-${SECRET}`, ...steps],
      dir,
    );
    expect(ok.code).toBe(0);
    const doc = parse(ok.stdout);
    expect(doc.parameters.token).toBe('<sensitive>');
    expect(doc.vars.auth).toBe('<sensitive>');
    expect(doc.steps[0].with.name).toBe('<sensitive>');
    expect(doc.outputs.auth).toBe('<sensitive>');
    expect(ok.stdout).not.toContain(SECRET);
    const bad = await runCli(
      ['render', '.', '--workflow', 'provision-postgres', '--param', 'db_name=x', '--param', 'namespace=y', '--param', `token=${SECRET}`, ...steps],
      dir,
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("parameter 'token'");
    expect(bad.stdout + bad.stderr).not.toContain(SECRET);
  });
});

describe('provider-sdk schema and init', () => {
  it('prints the shipped schemas', async () => {
    const dir = await writeTree({});
    expect(JSON.parse((await runCli(['schema', 'provider'], dir)).stdout)).toEqual(providerSchema);
    // The workflow schema for editors: the shipped shape, with each loaded step type's input on with:.
    expect(JSON.parse((await runCli(['schema', 'workflow'], dir)).stdout)).toEqual(workflowSchemaWithSteps(new StepRegistry(await defaultSteps())));
    const shipped = JSON.parse(await readFile(new URL('../schemas/workflow.schema.json', import.meta.url), 'utf8'));
    expect(shipped).toEqual(workflowSchema);
    const file = JSON.parse(await readFile(new URL('../schemas/provider.schema.json', import.meta.url), 'utf8'));
    expect(file).toEqual(providerSchema);
    expect((await runCli(['schema', 'score'], dir)).code).toBe(2);
  });

  it('scaffolds a provider that validates with the default (Kubernetes) steps and refuses a non-empty folder', async () => {
    const dir = await writeTree({});
    const r = await runCli(['init', 'my-provider', '--type', 'cache'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("created provider 'my-provider' in my-provider:");
    const v = await runCli(['validate', 'my-provider'], dir);
    expect(v).toEqual({ code: 0, stdout: '✔ 1 provider valid (2 workflows, 0 warnings)\n', stderr: '' });
    const again = await runCli(['init', 'my-provider'], dir);
    expect(again).toEqual({ code: 2, stdout: '', stderr: "error: 'my-provider' is not empty; init writes into a new or empty folder\n" });
  });
});

describe('the real process', () => {
  it('runs from source with tsx: exit codes and output', async () => {
    const dir = await writeProvider({ 'provider.yaml': PROVIDER_YAML.replace('version: 1.0.0', 'version: one') });
    const cli = new URL('../src/cli.ts', import.meta.url).pathname;
    const run = promisify(execFile);
    // tsx's loader in this Node, not its command (which starts a second Node to run the file: 0.3 s more CPU).
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const err = await run(process.execPath, ['--conditions=source', '--import', tsx, cli, 'validate', '.', ...steps], { cwd: dir }).catch(
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect((err as { code: number }).code).toBe(1);
    expect((err as { stdout: string }).stdout).toContain('provider.yaml:5:12: error: metadata.version must match');
    expect((err as { stderr: string }).stderr).toBe('');
  });
});
