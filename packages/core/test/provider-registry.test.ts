import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { InnominatusError, ProviderError } from '../src/errors';
import type { LoadedWorkflow, ParameterSpec } from '../src/model/workflow';
import { CORE_VERSION } from '../src/providers/core-version';
import { mapParameters } from '../src/providers/parameter-mapping';
import type { LoadedProvider, Provider, ResourceTypeCapability } from '../src/providers/provider-model';
import { ProviderRegistry } from '../src/providers/provider-registry';

function workflow(name: string, parameters: ParameterSpec[] = []): LoadedWorkflow {
  return { workflow: { apiVersion: 'innominatus.io/v1', kind: 'Workflow', metadata: { name }, parameters, steps: [] } };
}

function provider(name: string, caps: ResourceTypeCapability[], workflows: Record<string, LoadedWorkflow>, extra: Partial<Provider> = {}): LoadedProvider {
  return {
    provider: {
      apiVersion: 'v1',
      kind: 'Provider',
      metadata: { name, version: '1.0.0' },
      capabilities: { resourceTypeCapabilities: caps },
      workflows: Object.keys(workflows).map((w) => ({ name: w, file: `./workflows/${w}.yaml`, operation: w.startsWith('delete') ? 'delete' : 'create' })),
      ...extra,
    },
    workflows: new Map(Object.entries(workflows)),
  };
}

const pgParams: ParameterSpec[] = [
  { name: 'db_name', type: 'string', required: true },
  { name: 'namespace', type: 'string', required: true },
  { name: 'size', type: 'string', default: 'small' },
  { name: 'replicas', type: 'integer', default: 1 },
];

function databaseTeam(): LoadedProvider {
  return provider(
    'database-team',
    [
      {
        type: 'postgres',
        operations: {
          create: { workflow: 'provision-postgres', parameters: { db_name: '${{ resource.name }}', namespace: '${{ resource.application }}', replicas: 2 } },
          delete: { workflow: 'delete-postgres', parameters: { db_name: '${{ resource.name }}', namespace: '${{ resource.application }}' } },
        },
      },
      { type: 'postgresql', aliasFor: 'postgres' },
    ],
    { 'provision-postgres': workflow('provision-postgres', pgParams), 'delete-postgres': workflow('delete-postgres', pgParams.slice(0, 2)) },
  );
}

function catchError(fn: () => unknown): InnominatusError<string> {
  try {
    fn();
  } catch (err) {
    if (InnominatusError.is(err)) return err;
    throw err;
  }
  throw new Error('expected an error');
}

describe('ProviderRegistry', () => {
  it('resolves a type and an alias to the workflow of the operation', () => {
    const reg = new ProviderRegistry().register(databaseTeam());
    const r = reg.resolve('postgres', 'create');
    expect(r.providerName).toBe('database-team');
    expect(r.workflowName).toBe('provision-postgres');
    expect(r.workflow.workflow.metadata.name).toBe('provision-postgres');
    const alias = reg.resolve('postgresql', 'delete');
    expect(alias.workflowName).toBe('delete-postgres');
    expect(alias.resolvedType).toBe('postgres');
    expect(alias.type).toBe('postgresql');
    expect(reg.types()).toEqual(['postgres', 'postgresql']);
  });

  it('says which type has no provider and which operation has no workflow', () => {
    const reg = new ProviderRegistry().register(databaseTeam());
    const none = catchError(() => reg.resolve('redis', 'create'));
    expect(none).toBeInstanceOf(ProviderError);
    expect(none.code).toBe('PROVIDER_NOT_FOUND');
    expect(none.message).toBe("no provider found for resource type 'redis'");
    const op = catchError(() => reg.resolve('postgres', 'update'));
    expect(op.code).toBe('OPERATION_NOT_SUPPORTED');
    expect(op.message).toBe("provider 'database-team' has no workflow for operation 'update' of 'postgres'");
  });

  it('reports two providers claiming one type, directly or through an alias, with both names', () => {
    const reg = new ProviderRegistry().register(databaseTeam());
    const direct = provider('other-team', [{ type: 'postgres', operations: { create: { workflow: 'w' } } }], { w: workflow('w') });
    const e1 = catchError(() => reg.register(direct));
    expect(e1.code).toBe('PROVIDER_CONFLICT');
    expect(e1.message).toBe("resource type 'postgres' is claimed by providers 'database-team' and 'other-team'");
    const viaAlias = provider(
      'alias-team',
      [
        { type: 'pg', operations: { create: { workflow: 'w' } } },
        { type: 'postgresql', aliasFor: 'pg' },
      ],
      { w: workflow('w') },
    );
    const e2 = catchError(() => reg.register(viaAlias));
    expect(e2.message).toBe("resource type 'postgresql' is claimed by providers 'database-team' (alias for 'postgres') and 'alias-team' (alias for 'pg')");
    // nothing of a rejected provider is registered
    expect(reg.types()).toEqual(['postgres', 'postgresql']);
    expect(reg.list().map((p) => p.provider.metadata.name)).toEqual(['database-team']);
    expect(() => reg.resolve('pg', 'create')).toThrow("no provider found for resource type 'pg'");
  });

  it('rejects a second provider of the same name', () => {
    const reg = new ProviderRegistry().register(databaseTeam());
    const e = catchError(() => reg.register(provider('database-team', [], {})));
    expect(e.message).toBe("provider 'database-team' is already registered");
  });

  it('rejects an operation naming a workflow that is not loaded', () => {
    const p = provider('x', [{ type: 'redis', operations: { create: { workflow: 'missing' } } }], {});
    const e = catchError(() => new ProviderRegistry().register(p));
    expect(e.code).toBe('OPERATION_NOT_SUPPORTED');
    expect(e.message).toBe("provider 'x': operation 'create' of 'redis' names workflow 'missing', which is not in 'workflows'");
    // listed in `workflows` but not loaded
    p.provider.workflows.push({ name: 'missing', file: './workflows/missing.yaml' });
    expect(catchError(() => new ProviderRegistry().register(p)).message).toBe(
      "provider 'x': operation 'create' of 'redis' names workflow 'missing', which is not loaded",
    );
  });

  it('refuses a mapping that does not fit its workflow, naming the provider', () => {
    const params: ParameterSpec[] = [
      { name: 'db_name', type: 'string', required: true },
      { name: 'replicas', type: 'integer' },
    ];
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ db_name: '${{ resource.name }}', colour: 'blue' }, "provider 'x': workflow 'w' has no parameter 'colour'"],
      [
        { replicas: 2 },
        "provider 'x': required parameter 'db_name' of workflow 'w' is not mapped for 'create' of 'redis'; add it to 'parameters', or to 'fromProperties' if requests set it as a property",
      ],
      [
        { db_name: '${{ resource.nmae }}' },
        "provider 'x': 'resource.nmae': resource has no field 'nmae'; did you mean 'name'? (fields: id, name, type, class, application, metadata, properties, operation)",
      ],
      [
        { db_name: '${{ resource.name }}', replicas: '${{ resource.name }}' },
        "provider 'x': parameter 'replicas' of workflow 'w': capabilities.resourceTypeCapabilities[0].operations.create.parameters.replicas must be integer (got ${{ resource.name }}, of type string)",
      ],
    ];
    for (const [parameters, message] of cases) {
      const p = provider('x', [{ type: 'redis', operations: { create: { workflow: 'w', parameters } } }], { w: workflow('w', params) });
      const e = catchError(() => new ProviderRegistry().register(p));
      expect({ code: e.code, message: e.message }).toEqual({ code: 'PROVIDER_INVALID', message });
    }
  });

  it('serves legacy resourceTypes with the create workflow only', () => {
    const p = provider('legacy', [], { 'provision-redis': workflow('provision-redis', [{ name: 'size', type: 'string' }]) }, {});
    p.provider.capabilities = { resourceTypes: ['redis'] };
    const reg = new ProviderRegistry().register(p);
    expect(reg.resolve('redis', 'create').workflowName).toBe('provision-redis');
    expect(() => reg.resolve('redis', 'delete')).toThrow("provider 'legacy' has no workflow for operation 'delete' of 'redis'");
  });

  it('picks among several workflows by tags, else the default', () => {
    const p = provider(
      'multi',
      [
        {
          type: 'queue',
          operations: {
            create: {
              workflows: [
                { name: 'small-q', tags: ['dev'] },
                { name: 'ha-q', tags: ['prod', 'ha'] },
              ],
              default: 'small-q',
            },
          },
        },
      ],
      { 'small-q': workflow('small-q'), 'ha-q': workflow('ha-q') },
    );
    const reg = new ProviderRegistry().register(p);
    expect(reg.resolve('queue', 'create').workflowName).toBe('small-q');
    expect(reg.resolve('queue', 'create', { tags: ['ha'] }).workflowName).toBe('ha-q');
    expect(reg.resolve('queue', 'create', { tags: ['nope'] }).workflowName).toBe('small-q');
  });
});

describe('mapParameters', () => {
  it('passes matching properties through, then the mapping fills and overrides', () => {
    const reg = new ProviderRegistry().register(databaseTeam());
    const r = reg.resolve('postgres', 'create');
    const params = mapParameters(r, {
      id: 'r-1',
      name: 'orders',
      type: 'postgres',
      application: 'shop',
      operation: 'create',
      properties: { size: 'large', replicas: 5, colour: 'blue', db_name: 'ignored' },
    });
    expect(params).toEqual({ size: 'large', replicas: 2, db_name: 'orders', namespace: 'shop' });
  });

  it('evaluates expressions over the whole request', () => {
    const p = provider(
      'x',
      [
        {
          type: 'bucket',
          operations: {
            create: { workflow: 'w', parameters: { label: '${{ resource.application }}-${{ resource.properties.tier }}', op: '${{ resource.operation }}' } },
          },
        },
      ],
      {
        w: workflow('w', [
          { name: 'label', type: 'string' },
          { name: 'op', type: 'string' },
        ]),
      },
    );
    const r = new ProviderRegistry().register(p).resolve('bucket', 'create');
    expect(mapParameters(r, { name: 'b', type: 'bucket', application: 'shop', operation: 'create', properties: { tier: 'gold' } })).toEqual({
      label: 'shop-gold',
      op: 'create',
    });
  });
});

describe('CORE_VERSION', () => {
  it('is the version in core package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(CORE_VERSION).toBe(pkg.version);
  });
});

describe('classes', () => {
  const mapping = { db_name: '${{ resource.name + "-" + resource.class }}', namespace: '${{ resource.metadata.annotations["example.com/ns"] }}' };
  const tiered = (name: string, classes: string[] | undefined, wf: string) =>
    provider(name, [{ type: 'postgres', ...(classes ? { classes } : {}), operations: { create: { workflow: wf, parameters: mapping } } }], {
      [wf]: workflow(wf, pgParams),
    });

  it('chooses the provider by type and class, the class default when none is asked for', () => {
    const registry = new ProviderRegistry().register(tiered('small-team', undefined, 'pg-small')).register(tiered('big-team', ['large', 'xlarge'], 'pg-big'));
    expect(registry.resolve('postgres', 'create').providerName).toBe('small-team');
    expect(registry.resolve('postgres', 'create', { class: 'default' }).providerName).toBe('small-team');
    expect(registry.resolve('postgres', 'create', { class: 'xlarge' }).workflowName).toBe('pg-big');
    expect(registry.classes('postgres')).toEqual(['default', 'large', 'xlarge']);
    expect([registry.providerOf('postgres'), registry.providerOf('postgres', 'large'), registry.providerOf('postgres', 'huge')]).toEqual([
      'small-team',
      'big-team',
      undefined,
    ]);
    expect(() => registry.resolve('postgres', 'create', { class: 'huge' })).toThrow(
      "no provider serves class 'huge' of resource type 'postgres'; its classes: default, large, xlarge",
    );
  });

  it('gives the mapping resource.class and resource.metadata', () => {
    const registry = new ProviderRegistry().register(tiered('big-team', ['large'], 'pg-big'));
    const r = registry.resolve('postgres', 'create', { class: 'large' });
    const metadata = { annotations: { 'example.com/ns': 'team-a' } };
    expect(mapParameters(r, { name: 'db', type: 'postgres', class: 'large', application: 'shop', metadata, properties: {}, operation: 'create' })).toEqual({
      db_name: 'db-large',
      namespace: 'team-a',
    });
  });

  it('refuses two providers claiming one type in one class, naming both', () => {
    const registry = new ProviderRegistry().register(tiered('big-team', ['large'], 'pg-big'));
    expect(() => registry.register(tiered('other-team', ['medium', 'large'], 'pg-other'))).toThrow(
      "class 'large' of resource type 'postgres' is claimed by providers 'big-team' and 'other-team'",
    );
    expect(registry.list().map((p) => p.provider.metadata.name)).toEqual(['big-team']);
  });
});
