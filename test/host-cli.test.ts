import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, USER_TOKEN, call, resourceInState } from './support/host-api';
import { hostBundle } from './support/host-bundle';
import { spawnHost } from './support/host-process';

/** Runs the CLI to its exit; resolves with its exit code and stderr. */
async function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [await hostBundle(), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

/** The tokens the shipped example configuration reads from the environment. */
const EXAMPLE_TOKENS = { INNOMINATUS_ADMIN_TOKEN: 'example-admin-token-0123456789', INNOMINATUS_USER_TOKEN: USER_TOKEN };

describe('innominatus-host command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'innominatus-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  /** The store of the shipped example configuration's run. */
  const exampleDb = join(dir, 'example.db');

  it('refuses a bad configuration with exit code 2, naming every field, position and source', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'server:\n  port: 99999\nkubernetes:\n  mode: cloud\n');
    const { code, stderr } = await runCli(['--config', file], { INNOMINATUS_LOG_LEVEL: 'loud' });
    expect(code).toBe(2);
    expect(stderr).toContain(`invalid configuration in ${file}:`);
    expect(stderr).toContain('server.port (line 2, col 9): must be <= 65535; got 99999');
    expect(stderr).toContain("kubernetes.mode (line 4, col 9): must be one of 'kubeconfig', 'in-cluster', 'simulate'; got 'cloud'");
    expect(stderr).toContain(
      "logging.level (from INNOMINATUS_LOG_LEVEL): must be one of 'fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'; got 'loud'",
    );
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('refuses a --store URL that does not parse, naming store.url without echoing it', async () => {
    const { code, stderr } = await runCli(['--store', 'postgres://u:Pw0rd-not-shown@127.0.0.1:99999/db'], { INNOMINATUS_ENCRYPTION_KEY: 'ab'.repeat(32) });
    expect(code).toBe(2);
    expect(stderr).toContain('store.url: is not a valid URL (expected postgres://user:password@host:port/database');
    expect(stderr).not.toContain('Pw0rd-not-shown');
    expect(stderr).not.toContain('Invalid URL');
  }, 60_000);

  it('refuses a bad flag with a usage message', async () => {
    const { code, stderr } = await runCli(['--port', 'eighty']);
    expect(code).toBe(1);
    expect(stderr).toContain("option '-p, --port <n>' argument 'eighty' is invalid. 'eighty' is not a port number (0-65535)");
  }, 60_000);

  it('refuses a --pace that is not a pace with a usage message naming the paces', async () => {
    const { code, stderr } = await runCli(['--simulate', '--pace', 'slow']);
    expect(code).toBe(1);
    expect(stderr).toContain("error: option '--pace <pace>' argument 'slow' is invalid. Allowed choices are human, instant.");
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('runs the shipped example configuration with --simulate, says so at start, and stops on SIGTERM with exit code 0', async () => {
    const file = join(ROOT, 'examples/reference-host/config.example.yaml');
    const host = await spawnHost(file, ['--simulate', '--port', '0', '--store', `sqlite:${exampleDb}`], EXAMPLE_TOKENS);
    try {
      expect(host.stderr()).toMatch(
        /SIMULATION: Kubernetes is a mock API server at http:\/\/127\.0\.0\.1:\d+ with simulated Zalando postgres-operator and OpsTree redis-operator\./,
      );
      expect(host.stderr()).toContain('provider database-team: registered (serves postgres, postgresql)');
      expect(host.stderr()).toContain('provider cache-team: registered (serves redis)');
      expect(host.stderr()).toContain(`sensitive outputs are encrypted with the key in ${exampleDb}.key`);
      const health = await call(host.url, 'GET', '/healthz', { token: null });
      expect(health.json).toEqual({ status: 'ok' });
      const providers = await call(host.url, 'GET', '/api/providers', { token: USER_TOKEN });
      expect(providers.json.providers.map((p: { name: string }) => p.name)).toEqual(['database-team', 'cache-team']);
      // The simulated redis-operator makes a cache-team resource active: password Secret, Redis, its StatefulSet rolled out.
      const spec = 'apiVersion: score.dev/v1b1\nmetadata: { name: shop }\ncontainers: { main: { image: x } }\nresources: { sessions: { type: redis } }\n';
      const id = (await call(host.url, 'POST', '/api/specs', { body: spec })).json.changes[0].id;
      const ready = await resourceInState(host.url, id, 'active', 60_000);
      expect(ready.outputs).toEqual({
        redis_name: 'sessions-redis',
        namespace: 'shop',
        host: 'sessions-redis.shop.svc.cluster.local',
        port: 6379,
        password_secret: 'sessions-redis-password',
        password: '***',
        connection_string: '***',
      });
    } finally {
      expect(await host.stop('SIGTERM')).toBe(0);
    }
    expect(host.stdout()).toContain('SIMULATED cluster');
  }, 120_000);

  // On the store the example run (the test before) created, with the key it generated beside it: one host start for both.
  it('refuses to start with a key other than the one its store was created with', async () => {
    const file = join(ROOT, 'examples/reference-host/config.example.yaml');
    expect(existsSync(`${exampleDb}.key`), 'the example run made the store and its key').toBe(true);
    const other = 'cd'.repeat(32);
    const { code, stderr } = await runCli(['--config', file, '--simulate', '--port', '0', '--store', `sqlite:${exampleDb}`], {
      ...EXAMPLE_TOKENS,
      INNOMINATUS_ENCRYPTION_KEY: other,
    });
    expect(code).toBe(2);
    expect(stderr).toContain('the configured key (secrets.encryptionKey or INNOMINATUS_ENCRYPTION_KEY) is not the key this store was created with');
    expect(stderr).not.toContain(other);
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
