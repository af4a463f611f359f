import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine, mapParameters, ProviderRegistry, type ProviderOperation } from '@innominatus/core';
import { defaultSteps, parseYamlText } from '@innominatus/provider-sdk';
import { runCli } from '@innominatus/provider-sdk/testing';
import { createMockCluster, redisCrd } from '@innominatus/steps-kubernetes/testing';
import { cacheTeam, CRD_FILE, PROVIDER_DIR, REPO_ROOT } from './harness';

const cli = (args: string[]) => runCli(args, REPO_ROOT);

describe('provider structure', () => {
  it('loads and validates with the SDK, with its three workflows', async () => {
    const provider = await cacheTeam();
    expect(provider.provider.metadata).toMatchObject({ name: 'cache-team', version: '1.0.0', category: 'data' });
    expect([...provider.workflows.keys()]).toEqual(['provision-redis', 'update-redis', 'delete-redis']);
  });

  it('`provider-sdk validate providers/cache-team` exits 0 with no warnings', async () => {
    expect(await cli(['validate', 'providers/cache-team'])).toEqual({ code: 0, stdout: '✔ 1 provider valid (3 workflows, 0 warnings)\n', stderr: '' });
  });

  it.each([
    ['create', 'provision-redis'],
    ['update', 'update-redis'],
    ['delete', 'delete-redis'],
  ] as const)('redis %s resolves to %s', async (operation, workflow) => {
    const registry = new ProviderRegistry().register(await cacheTeam());
    const r = registry.resolve('redis', operation as ProviderOperation);
    expect([r.providerName, r.workflowName]).toEqual(['cache-team', workflow]);
  });

  it('provision and update apply the same Redis for the same parameters; the naming rule is written once, in provider.yaml', async () => {
    const provider = await cacheTeam();
    const [provision, update, remove] = ['provision-redis', 'update-redis', 'delete-redis'].map((n) => provider.workflows.get(n)!.workflow);
    const applied = (wf: typeof provision) => wf!.steps.find((s) => s.type === 'kubernetes-apply')!.with;
    expect(applied(update)).toEqual(applied(provision));
    expect(update!.vars).toEqual(provision!.vars);
    const naming = { redis_name: '${{ parameters.cache_name + "-redis" }}', password_secret: '${{ vars.redis_name + "-password" }}' };
    expect(provider.provider.vars).toMatchObject(naming);
    for (const wf of [provision, update, remove]) {
      expect(wf!.vars).toMatchObject(naming);
      expect(wf!.parameters!.slice(0, 2).map((p) => p.name)).toEqual(['cache_name', 'namespace']);
    }
    // The workflow files themselves declare none of the shared names.
    const own = (file: string) => parseYamlText(readFileSync(join(PROVIDER_DIR, 'workflows', file), 'utf8'), file).value as Record<string, any>;
    expect(Object.keys(own('provision-redis.yaml').vars)).toEqual(['size']);
    expect(Object.keys(own('update-redis.yaml').vars)).toEqual(['size']);
    expect(own('delete-redis.yaml').vars).toBeUndefined();
    expect(own('delete-redis.yaml').parameters.map((p: { name: string }) => p.name)).toEqual(['wait_timeout']);
  });

  it("the CRD the host's --simulate installs (redisCrd) is this CRD file", () => {
    expect(redisCrd()).toEqual(parseYamlText(readFileSync(CRD_FILE, 'utf8'), 'crd.yaml').value);
  });

  it('the CRD file installs as kubectl apply would and serves redis.redis.opstreelabs.in/v1beta2 Redis', () => {
    const cluster = createMockCluster();
    const kinds = cluster.installCrds(readFileSync(CRD_FILE, 'utf8'));
    expect(kinds.map((k) => [k.group, k.version, k.kind, k.plural, k.namespaced])).toEqual([['redis.redis.opstreelabs.in', 'v1beta2', 'Redis', 'redis', true]]);
    // The operator's required fields are required here too.
    expect(() =>
      cluster.apply({ apiVersion: 'redis.redis.opstreelabs.in/v1beta2', kind: 'Redis', metadata: { name: 'x', namespace: 'default' }, spec: {} }),
    ).toThrow(/kubernetesConfig/);
  });
});

describe('the Score example', () => {
  it('maps to parameters provision-redis accepts', async () => {
    const parsed = parseYamlText(readFileSync(join(PROVIDER_DIR, 'examples/score-redis.yaml'), 'utf8'), 'score-redis.yaml');
    expect(parsed.diagnostics).toEqual([]);
    const spec = parsed.value as { metadata: { name: string }; resources: Record<string, { type: string; properties?: Record<string, unknown> }> };
    const registry = new ProviderRegistry().register(await cacheTeam());
    const engine = createEngine({ steps: await defaultSteps() });
    const r = registry.resolve('redis', 'create');
    const parameters = mapParameters(r, {
      name: 'cache',
      type: 'redis',
      application: spec.metadata.name,
      properties: spec.resources.cache!.properties ?? {},
      operation: 'create',
    });
    expect(engine.compile(r.workflow).validateParameters(parameters)).toEqual({
      cache_name: 'cache',
      namespace: 'shop',
      size: 'medium',
      version: '7.2',
      wait_timeout: '5m',
    });
  });
});
