import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHost, loadConfig, type Host } from '@innominatus/reference-host';
import { ADMIN_TOKEN, PROVIDER_DIR, call } from './support/e2e-host';

/** A copy of the database-team provider under another name, serving `pg-git` instead of `postgres`. */
function renamedProvider(dir: string): void {
  mkdirSync(dir, { recursive: true });
  cpSync(join(PROVIDER_DIR, 'workflows'), join(dir, 'workflows'), { recursive: true });
  const yaml = readFileSync(join(PROVIDER_DIR, 'provider.yaml'), 'utf8')
    .replace('name: database-team', 'name: git-team')
    .replace('- type: postgres\n', '- type: pg-git\n')
    .replace('- type: postgresql\n      aliasFor: postgres', '- type: pg-git-alias\n      aliasFor: pg-git');
  writeFileSync(join(dir, 'provider.yaml'), yaml);
}

describe('providers at start: from a folder, from git at a ref, disabled, and broken', () => {
  let dir: string;
  let host: Host;
  let url: string;
  let commit: string;
  const logs: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'innominatus-providers-'));
    const repo = join(dir, 'repo');
    renamedProvider(join(repo, 'provider'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
    git('init', '-q');
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'provider');
    git('tag', 'v1.0.0');
    commit = git('rev-parse', 'HEAD');

    const broken = join(dir, 'broken');
    mkdirSync(broken);
    writeFileSync(join(broken, 'provider.yaml'), 'apiVersion: innominatus.io/v1\nkind: Provider\nmetadata:\n  name: broken\n  version: one\nworkflows: []\n');

    const text = [
      'server: { port: 0 }',
      'store: { url: memory }',
      'kubernetes: { mode: simulate }',
      `auth: { tokens: [{ name: admin, role: admin, token: ${ADMIN_TOKEN} }] }`,
      'providers:',
      `  - { name: database-team, type: filesystem, path: "${PROVIDER_DIR}" }`,
      `  - { name: git-team, type: git, repository: "${repo}", ref: v1.0.0, path: provider }`,
      `  - { name: broken, type: filesystem, path: ./broken }`,
      `  - { name: later, type: filesystem, path: ./later, enabled: false }`,
    ].join('\n');
    writeFileSync(join(dir, 'config.yaml'), text);
    host = await createHost({
      config: loadConfig({ file: join(dir, 'config.yaml'), env: {} }),
      cacheDir: join(dir, 'cache'),
      logDestination: new Writable({
        write(c, _e, cb) {
          logs.push(c.toString());
          cb();
        },
      }),
    });
    url = await host.listen();
  }, 60_000);
  afterAll(async () => {
    await host?.close({ graceMs: 500 });
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers the good ones, reports the broken one with its diagnostics, and keeps serving', async () => {
    const { providers } = (await call(url, 'GET', '/api/providers', { token: ADMIN_TOKEN })).json;
    expect(providers.map((p: { name: string; status: string }) => [p.name, p.status])).toEqual([
      ['database-team', 'registered'],
      ['git-team', 'registered'],
      ['broken', 'failed'],
      ['later', 'disabled'],
    ]);
    expect(providers[1].source).toEqual({ type: 'git', repository: join(dir, 'repo'), ref: 'v1.0.0', commit });
    expect(providers[1].resourceTypes).toEqual(['pg-git', 'pg-git-alias']);
    const diagnostics = providers[2].diagnostics as { severity: string; file: string; line: number; message: string }[];
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics.every((d) => d.severity === 'error' && d.file.endsWith('provider.yaml') && d.line >= 1)).toBe(true);
    expect(diagnostics.some((d) => d.line === 5)).toBe(true);
    expect(host.notices).toContain('provider broken: NOT REGISTERED, ' + `${diagnostics.length} error(s):`);
    expect(logs.join('')).toContain("provider 'broken' not registered");
  });

  it('serves the types of every registered provider', async () => {
    const spec = (type: string) =>
      `apiVersion: score.dev/v1b1\nmetadata: { name: p-app }\ncontainers: { main: { image: x } }\nresources: { db: { type: ${type} } }\n`;
    const unserved = await call(url, 'POST', '/api/specs', { token: ADMIN_TOKEN, body: spec('redis') });
    expect(unserved.json.error.issues[0].message).toBe("no provider serves resource type 'redis'; served types: pg-git, pg-git-alias, postgres, postgresql");
    const served = await call(url, 'POST', '/api/specs', { token: ADMIN_TOKEN, body: spec('pg-git') });
    expect(served.status).toBe(202);
  });
});
