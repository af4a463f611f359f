import { Writable } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHost, type Host } from '../src/host/create-host';
import { loadConfig } from '../src/config/load-config';
import { withoutCredentials, credentialsOf } from '../src/util/url-credentials';

const TOKEN = 'ghp_S3cretDeployToken0123456789';
const USER_TOKEN = 'user-token-0123456789abcdef';

describe('a git provider URL with credentials', () => {
  let host: Host;
  let dir: string;
  const logs: string[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'host-git-cred-'));
    const text = [
      'store: { url: memory }',
      'kubernetes: { mode: simulate }',
      `auth: { tokens: [ { name: dev, role: user, token: ${USER_TOKEN} } ] }`,
      'providers:',
      // Port 1 on loopback refuses at once: the clone fails and its error is reported.
      `  - { name: storage-team, type: git, repository: "https://deploy:${TOKEN}@127.0.0.1:1/org/repo.git", ref: v1.0.0 }`,
      `  - { name: queue-team, type: git, repository: "https://${TOKEN}@127.0.0.1:1/org/queue.git", ref: main }`,
    ].join('\n');
    host = await createHost({
      config: loadConfig({ text, env: {} }),
      cacheDir: dir,
      logDestination: new Writable({
        write(c, _e, cb) {
          logs.push(c.toString());
          cb();
        },
      }),
    });
  }, 60_000);
  afterAll(async () => {
    await host?.close({ graceMs: 100 });
    rmSync(dir, { recursive: true, force: true });
  });

  it('is shown without them in GET /api/providers, the notices and the log', async () => {
    const res = await host.app.inject({ method: 'GET', url: '/api/providers', headers: { authorization: `Bearer ${USER_TOKEN}` } });
    expect(res.statusCode).toBe(200);
    const [storage, queue] = res.json().providers;
    expect(storage.source).toEqual({ type: 'git', repository: 'https://127.0.0.1:1/org/repo.git', ref: 'v1.0.0' });
    expect(queue.source).toEqual({ type: 'git', repository: 'https://127.0.0.1:1/org/queue.git', ref: 'main' });
    expect(storage.status).toBe('failed');
    expect(storage.diagnostics.length).toBeGreaterThan(0);
    expect(res.body).not.toContain(TOKEN);
    expect(host.notices.join('\n')).not.toContain(TOKEN);
    expect(host.notices).toContain('provider storage-team: NOT REGISTERED, 1 error(s):');
    expect(logs.join('')).toContain("provider 'storage-team' not registered");
    expect(logs.join('')).not.toContain(TOKEN);
  });
});

describe('url credentials', () => {
  it('strips user and password, and names the secret parts', () => {
    expect(withoutCredentials('https://deploy:p%40ss@git.example.com/r.git')).toBe('https://git.example.com/r.git');
    expect(withoutCredentials('git@github.com:org/repo.git')).toBe('git@github.com:org/repo.git');
    expect(credentialsOf('https://deploy:p%40sswordxx@h/r')).toEqual(['p%40sswordxx', 'p@sswordxx']);
    expect(credentialsOf('https://git@h/r', { tokenAsUser: true })).toEqual([]);
    expect(credentialsOf(`https://${TOKEN}@h/r`, { tokenAsUser: true })).toEqual([TOKEN]);
    expect(credentialsOf(`https://${TOKEN}@h/r`)).toEqual([]);
  });
});
