import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeProvider, writeTree } from './helpers/fixtures';
import { runCli, TEST_STEPS } from './helpers/run-cli';

const FIXTURE = new URL('./fixtures/cache-docs', import.meta.url).pathname;
const ROOT = new URL('.', import.meta.url).pathname;

describe('provider-sdk docs', () => {
  it('generates the reference of a provider (golden file)', async () => {
    const r = await runCli(['docs', 'fixtures/cache-docs'], ROOT);
    expect([r.code, r.stderr]).toEqual([0, '']);
    await expect(r.stdout).toMatchFileSnapshot('__golden__/cache-docs.md');
  });

  it('writes into the marked section of a file, keeps the rest, and --check tells a stale section', async () => {
    const dir = await writeTree({ 'README.md': '# Cache\n\nIntro.\n\n<!-- BEGIN provider-sdk docs -->\nold\n<!-- END provider-sdk docs -->\n\nAfter.\n' });
    const readme = join(dir, 'README.md');
    expect((await runCli(['docs', FIXTURE, '--into', readme, '--check'], dir)).code).toBe(1);
    const w = await runCli(['docs', FIXTURE, '--heading-level', '3', '--into', readme], dir);
    expect([w.code, w.stdout, w.stderr]).toEqual([0, '', 'README.md: generated docs section updated\n']);
    const text = await readFile(readme, 'utf8');
    expect(text.startsWith('# Cache\n\nIntro.\n\n<!-- BEGIN provider-sdk docs -->\n### Resource types\n')).toBe(true);
    expect(text.endsWith('\n<!-- END provider-sdk docs -->\n\nAfter.\n')).toBe(true);
    expect(text).toContain('\n#### create-cache\n');
    expect(text).not.toContain('# cache-docs 0.3.0');
    const again = await runCli(['docs', FIXTURE, '--heading-level', '3', '--into', readme], dir);
    expect(again.stderr).toBe('README.md: generated docs section already up to date\n');
    expect((await runCli(['docs', FIXTURE, '--heading-level', '3', '--into', readme, '--check'], dir)).code).toBe(0);
    const stale = await runCli(['docs', FIXTURE, '--into', readme, '--check'], dir);
    expect([stale.code, stale.stderr]).toEqual([
      1,
      'README.md: the generated docs section is out of date; run the same command without --check to update it\n',
    ]);
    expect(await readFile(readme, 'utf8')).toBe(text);
  });

  it('refuses a file without the markers, a bad heading level and --check without --into (usage, exit 2)', async () => {
    const dir = await writeTree({ 'README.md': '# Cache\n<!-- END provider-sdk docs -->\n' });
    const r = await runCli(['docs', FIXTURE, '--into', 'README.md'], dir);
    expect([r.code, r.stderr]).toEqual([
      2,
      "error: README.md needs the lines '<!-- BEGIN provider-sdk docs -->' and, after it, '<!-- END provider-sdk docs -->' exactly once around the generated docs section\n",
    ]);
    expect((await runCli(['docs', FIXTURE, '--heading-level', '7'], dir)).stderr).toBe("error: --heading-level must be 2, 3, 4 or 5 (got '7')\n");
    expect((await runCli(['docs', FIXTURE, '--check'], dir)).stderr).toBe('error: --check needs --into FILE\n');
  });

  it('prints the diagnostics of a provider that does not validate, and nothing else (exit 1)', async () => {
    const dir = await writeProvider({
      'workflows/delete-postgres.yaml': 'apiVersion: innominatus.io/v1\nkind: Workflow\nmetadata: { name: delete-postgres }\nsteps: []\n',
    });
    const r = await runCli(['docs', dir, '--steps', TEST_STEPS], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^workflows\/delete-postgres\.yaml:\d+:\d+: error: .*\nerror: the provider does not validate; fix it before generating its reference\n$/s,
    );
  });
});

describe('provider-sdk rbac', () => {
  it('derives the least-privilege ClusterRole, plural overrides and a binding (golden file)', async () => {
    const r = await runCli(
      [
        'rbac',
        'fixtures/cache-docs',
        '--plural',
        'Redis.redis.redis.opstreelabs.in=redis',
        '--service-account',
        'platform/innominatus',
        '--name',
        'cache-steps',
      ],
      ROOT,
    );
    expect([r.code, r.stderr]).toEqual([0, '']);
    await expect(r.stdout).toMatchFileSnapshot('__golden__/cache-docs.rbac.yaml');
  });

  it('lists steps of other packages as not covered, with an empty role when nothing else needs Kubernetes', async () => {
    const dir = await writeProvider();
    const r = await runCli(['rbac', dir, '--steps', TEST_STEPS], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        '# The permissions the steps of provider database-team need (provider-sdk rbac).',
        '# not covered (a step type of another package; grant what it needs yourself): provision-postgres/create-cluster (test-apply)',
        '# not covered (a step type of another package; grant what it needs yourself): provision-postgres/wait (test-wait)',
        '# not covered (a step type of another package; grant what it needs yourself): provision-postgres/get-credentials (test-credentials)',
        '# not covered (a step type of another package; grant what it needs yourself): delete-postgres/remove (test-apply)',
        'apiVersion: rbac.authorization.k8s.io/v1',
        'kind: ClusterRole',
        'metadata:',
        '  name: "innominatus-database-team"',
        'rules: []',
        '',
      ].join('\n'),
    );
  });

  it('refuses a kind written as an expression, naming file, line and column', async () => {
    const dir = await writeTree({}, undefined);
    await writeTree({ 'provider.yaml': await readFile(join(FIXTURE, 'provider.yaml'), 'utf8') }, dir);
    for (const f of ['create-cache.yaml', 'create-cache-ha.yaml', 'delete-cache.yaml']) {
      await writeTree({ [`workflows/${f}`]: await readFile(join(FIXTURE, 'workflows', f), 'utf8') }, dir);
    }
    const ha = join(dir, 'workflows/create-cache-ha.yaml');
    await writeFile(ha, (await readFile(ha, 'utf8')).replace('kind: RedisReplication', 'kind: ${{ parameters.memory }}'));
    const r = await runCli(['rbac', dir], dir);
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(r.stderr).toBe(
      "error: workflows/create-cache-ha.yaml:18:11: create-cache-ha/apply (kubernetes-apply): apiVersion and kind must be written as plain text to derive RBAC (got 'redis.redis.opstreelabs.in/v1beta2' and '${{ parameters.memory }}')\n",
    );
  });

  it("takes a kind's resource name from the plural of a CRD given with --crd; --plural still wins", async () => {
    const crd = await writeTree({
      'redis-crd.yaml': [
        'apiVersion: apiextensions.k8s.io/v1',
        'kind: CustomResourceDefinition',
        'metadata: { name: redis.redis.redis.opstreelabs.in }',
        'spec:',
        '  group: redis.redis.opstreelabs.in',
        '  scope: Namespaced',
        '  names: { kind: Redis, plural: redis, singular: redis, listKind: RedisList }',
        '  versions:',
        '    - name: v1beta2',
        '      served: true',
        '      storage: true',
        '      schema: { openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true } }',
        '',
      ].join('\n'),
    });
    const file = join(crd, 'redis-crd.yaml');
    const base = ['rbac', 'fixtures/cache-docs', '--service-account', 'platform/innominatus', '--name', 'cache-steps'];
    const fromCrd = await runCli([...base, '--crd', file], ROOT);
    expect([fromCrd.code, fromCrd.stderr]).toEqual([0, '']);
    // The same role as the golden file, which names the plural with --plural.
    expect(fromCrd.stdout).toBe(await readFile(new URL('./__golden__/cache-docs.rbac.yaml', import.meta.url), 'utf8'));
    const guessed = await runCli(base, ROOT);
    expect(guessed.stdout).toContain('resources: ["redises"]');
    expect(guessed.stdout).not.toContain('resources: ["redis"]');
    const overridden = await runCli([...base, '--crd', file, '--plural', 'Redis.redis.redis.opstreelabs.in=rediss'], ROOT);
    expect(overridden.stdout).toContain('resources: ["rediss"]');
    expect(overridden.stdout).not.toContain('resources: ["redis"]');
  });

  it('--crd with a file that cannot be read is an error at that file (exit 1)', async () => {
    const r = await runCli(['rbac', FIXTURE, '--crd', 'no-such-crd.yaml'], ROOT);
    expect([r.code, r.stdout, r.stderr]).toEqual([1, '', "no-such-crd.yaml:1:1: error: CRD file 'no-such-crd.yaml' cannot be read [FILE_NOT_FOUND]\n"]);
  });

  it('checks --service-account and --plural (usage, exit 2)', async () => {
    expect((await runCli(['rbac', FIXTURE, '--service-account', 'nobody'], ROOT)).stderr).toBe(
      "error: --service-account must be NAMESPACE/NAME (got 'nobody')\n",
    );
    const r = await runCli(['rbac', FIXTURE, '--plural', 'Redis=Redis'], ROOT);
    expect([r.code, r.stderr]).toEqual([2, "error: --plural must be Kind.group=plural, e.g. Redis.redis.redis.opstreelabs.in=redis (got 'Redis=Redis')\n"]);
  });
});
