import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine, mapParameters, ProviderRegistry, type ProviderOperation } from '@innominatus/core';
import { defaultSteps, parseYamlText } from '@innominatus/provider-sdk';
import { runCli } from '@innominatus/provider-sdk/testing';
import { BASE, databaseTeam, PROVIDER_DIR, REPO_ROOT } from './harness';

describe('provider structure', () => {
  it('loads and validates with the SDK, with its three workflows', async () => {
    const provider = await databaseTeam();
    expect(provider.provider.metadata).toMatchObject({ name: 'database-team', version: '1.0.0', category: 'data' });
    expect([...provider.workflows.keys()]).toEqual(['provision-postgres', 'update-postgres', 'delete-postgres']);
    for (const ref of provider.provider.workflows) {
      expect(existsSync(join(PROVIDER_DIR, ref.file)), ref.file).toBe(true);
      expect(provider.workflows.get(ref.name)!.workflow.metadata.name).toBe(ref.name);
    }
  });

  it.each([
    ['postgres', 'create', 'provision-postgres'],
    ['postgres', 'update', 'update-postgres'],
    ['postgres', 'delete', 'delete-postgres'],
    ['postgresql', 'create', 'provision-postgres'],
    ['postgresql', 'update', 'update-postgres'],
    ['postgresql', 'delete', 'delete-postgres'],
  ] as const)('%s %s resolves to %s', async (type, operation, workflow) => {
    const registry = new ProviderRegistry().register(await databaseTeam());
    const r = registry.resolve(type, operation as ProviderOperation);
    expect(r.providerName).toBe('database-team');
    expect(r.resolvedType).toBe('postgres');
    expect(r.workflowName).toBe(workflow);
  });

  it('maps a Score resource request to workflow parameters the workflow accepts', async () => {
    const registry = new ProviderRegistry().register(await databaseTeam());
    const engine = createEngine({ steps: await defaultSteps() });
    const resource = { name: 'db', type: 'postgresql', application: 'my-app', properties: { size: 'medium', replicas: 3, version: '15', unrelated: 'x' } };
    for (const operation of ['create', 'update'] as const) {
      const r = registry.resolve('postgresql', operation);
      const parameters = mapParameters(r, { ...resource, operation });
      expect(parameters).toEqual({ db_name: 'db', namespace: 'my-app', team_id: 'my-app', size: 'medium', replicas: 3, version: '15' });
      expect(engine.compile(r.workflow).validateParameters(parameters)).toEqual({ ...parameters, wait_timeout: '10m' });
    }
    const del = registry.resolve('postgres', 'delete');
    expect(mapParameters(del, { ...resource, operation: 'delete' })).toEqual({ db_name: 'db', namespace: 'my-app', team_id: 'my-app' });
  });

  it('`provider-sdk validate providers/database-team` exits 0 with no warnings', async () => {
    const { code, stdout, stderr } = await runCli(['validate', 'providers/database-team'], REPO_ROOT);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('1 provider valid (3 workflows, 0 warnings)');
  });

  it('provision and update apply the same postgresql resource for the same parameters', async () => {
    const provider = await databaseTeam();
    const engine = createEngine({ steps: await defaultSteps() });
    const manifests = ['provision-postgres', 'update-postgres'].map((name) => {
      const wf = provider.workflows.get(name)!.workflow;
      const step = wf.steps.find((s) => s.type === 'kubernetes-apply')!;
      return { vars: wf.vars, with: step.with, parameters: wf.parameters, compiled: engine.compile(wf).parameterSchema };
    });
    expect(manifests[1]).toEqual(manifests[0]);
  });
});

describe('Score examples', () => {
  const dir = join(PROVIDER_DIR, 'examples');
  const files = ['score-postgres-basic.yaml', 'score-postgres-custom.yaml', 'score-postgres-production.yaml'];

  it('the repository example is the basic one', () => {
    expect(readFileSync(join(REPO_ROOT, 'examples/score-postgres-app.yaml'), 'utf8')).toBe(readFileSync(join(dir, files[0]!), 'utf8'));
  });

  it.each(files)('%s: every resource resolves to this provider with parameters the workflow accepts', async (file) => {
    const parsed = parseYamlText(readFileSync(join(dir, file), 'utf8'), file);
    expect(parsed.diagnostics).toEqual([]);
    const spec = parsed.value as {
      apiVersion: string;
      metadata: { name: string };
      resources: Record<string, { type: string; properties?: Record<string, unknown> }>;
    };
    expect(spec.apiVersion).toBe('score.dev/v1b1');
    const registry = new ProviderRegistry().register(await databaseTeam());
    const engine = createEngine({ steps: await defaultSteps() });
    const entries = Object.entries(spec.resources);
    expect(entries.length).toBeGreaterThan(0);
    for (const [name, res] of entries) {
      const r = registry.resolve(res.type, 'create');
      const parameters = mapParameters(r, { name, type: res.type, application: spec.metadata.name, properties: res.properties ?? {}, operation: 'create' });
      expect(() => engine.compile(r.workflow).validateParameters(parameters)).not.toThrow();
      expect(parameters).toMatchObject({ db_name: name, namespace: spec.metadata.name, team_id: spec.metadata.name, ...(res.properties ?? {}) });
    }
  });
});

describe('parameter declarations', () => {
  it('lists the README parameters with their defaults', async () => {
    const wf = (await databaseTeam()).workflows.get('provision-postgres')!.workflow;
    expect(wf.parameters!.map((p) => [p.name, p.type, p.required ?? false, p.default])).toEqual([
      ['db_name', 'string', true, undefined],
      ['namespace', 'string', true, undefined],
      ['team_id', 'string', true, undefined],
      ['size', 'string', false, 'small'],
      ['replicas', 'integer', false, undefined],
      ['version', 'string', false, '15'],
      ['wait_timeout', 'string', false, '10m'],
    ]);
    expect(Object.keys(wf.outputs!)).toEqual([
      'database_name',
      'name',
      'database',
      'cluster_name',
      'namespace',
      'host',
      'port',
      'credentials_secret',
      'username',
      'password',
      'connection_string',
    ]);
    expect(BASE.db_name).toBe('myapp-db');
  });
});
