import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reveal } from '@innominatus/core';
import { ConfigError } from '../src/errors';
import { loadConfig } from '../src/config/load-config';

const TOKEN = 'a-very-long-admin-token-0123456789';

function issuesOf(fn: () => unknown): { field: string; message: string; line?: number; col?: number }[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies defaults when there is no file', () => {
    const config = loadConfig({ env: {} });
    expect(config.server).toEqual({ host: '127.0.0.1', port: 8081, bodyLimit: 1024 * 1024 });
    expect(config.store).toEqual({ kind: 'sqlite', filename: resolve('innominatus.db') });
    expect(config.kubernetes).toEqual({ mode: 'kubeconfig' });
    expect(config.orchestrator).toEqual({ concurrency: 16, pollIntervalMs: 5000, leaseMs: 30_000 });
    expect(config.auth.tokens).toEqual([]);
    expect(config.logging.level).toBe('info');
    expect(config.score).toEqual({ innominatusDialect: true });
  });

  it('reads the Score switch, and refuses a value that is not a boolean', () => {
    expect(loadConfig({ text: 'score: { innominatusDialect: false }', env: {} }).score).toEqual({ innominatusDialect: false });
    expect(issuesOf(() => loadConfig({ text: 'score: { innominatusDialect: maybe }', env: {} }))).toEqual([
      { field: 'score.innominatusDialect', message: "must be boolean; got 'maybe'", line: 1, col: 30 },
    ]);
  });

  it('reads the example configuration with tokens from the environment', () => {
    const file = resolve(__dirname, '../config.example.yaml');
    const config = loadConfig({
      file,
      env: { INNOMINATUS_ADMIN_TOKEN: TOKEN, INNOMINATUS_USER_TOKEN: 'user-token-0123456789abcdef', INNOMINATUS_ENCRYPTION_KEY: 'ab'.repeat(32) },
    });
    expect(config.providers).toEqual([
      { name: 'database-team', enabled: true, source: { type: 'filesystem', path: resolve(__dirname, '../../../providers/database-team') } },
      { name: 'cache-team', enabled: true, source: { type: 'filesystem', path: resolve(__dirname, '../../../providers/cache-team') } },
    ]);
    expect(config.auth.tokens.map((t) => [t.name, t.role, reveal(t.token)])).toEqual([
      ['platform-admin', 'admin', TOKEN],
      ['developers', 'user', 'user-token-0123456789abcdef'],
    ]);
    expect(JSON.stringify(config)).not.toContain(TOKEN);
    expect(reveal(config.secrets.encryptionKey)).toBe('ab'.repeat(32));
  });

  it('reads body limits in bytes or units, within bounds', () => {
    expect(loadConfig({ text: 'server: { bodyLimit: 16KiB }', env: {} }).server.bodyLimit).toBe(16_384);
    expect(loadConfig({ text: 'server: { bodyLimit: 2MB }', env: {} }).server.bodyLimit).toBe(2_000_000);
    expect(loadConfig({ text: 'server: { bodyLimit: 4096 }', env: {} }).server.bodyLimit).toBe(4096);
    expect(issuesOf(() => loadConfig({ text: 'server: { bodyLimit: 1GiB }', env: {} }))).toEqual([
      { field: 'server.bodyLimit', message: "must be a size such as 65536, 512KiB or 1MiB; got '1GiB'", line: 1, col: 22 },
    ]);
    expect(issuesOf(() => loadConfig({ text: 'server: { bodyLimit: 100MiB }', env: {} }))).toEqual([
      { field: 'server.bodyLimit', message: 'must be between 1KiB and 64MiB; got "100MiB" (104857600 bytes)', line: 1, col: 22 },
    ]);
  });

  it('treats a section with nothing under it as empty', () => {
    expect(loadConfig({ text: 'secrets:\n  # nothing yet\nserver:\n', env: {} }).server.port).toBe(8081);
  });

  it('lets the environment and then the command line override the file', () => {
    const text = 'server:\n  port: 9000\nstore:\n  url: sqlite:/tmp/a.db\n';
    const fromEnv = loadConfig({
      text,
      env: { INNOMINATUS_PORT: '9100', INNOMINATUS_DATABASE_URL: 'postgres://u:p@db:5432/x', INNOMINATUS_ENCRYPTION_KEY: 'cd'.repeat(32) },
    });
    expect(fromEnv.server.port).toBe(9100);
    expect(fromEnv.store.kind).toBe('postgres');
    const fromCli = loadConfig({ text, env: { INNOMINATUS_PORT: '9100' }, overrides: { 'server.port': 0, 'store.url': 'sqlite:/tmp/b.db' } });
    expect(fromCli.server.port).toBe(0);
    expect(fromCli.store).toEqual({ kind: 'sqlite', filename: '/tmp/b.db' });
  });

  it("lets --simulate replace the file's kubeconfig access", () => {
    const text = 'kubernetes:\n  kubeconfig: /etc/kube/config\n  context: prod\n';
    expect(loadConfig({ text, env: {}, overrides: { 'kubernetes.mode': 'simulate' } }).kubernetes).toEqual({ mode: 'simulate' });
    expect(issuesOf(() => loadConfig({ text: `${text}  mode: in-cluster\n`, env: {} }))).toEqual([
      { field: 'kubernetes.mode', message: "is 'in-cluster'; kubeconfig and context apply only to mode 'kubeconfig'", line: 4, col: 9 },
    ]);
  });

  it('reports every bad value with field, position and value', () => {
    const text = [
      'server:',
      '  port: 70000',
      '  colour: blue',
      'kubernetes:',
      '  mode: magic',
      'providers:',
      '  - name: Bad_Name',
      '    type: filesystem',
      '    path: ./x',
      '  - name: git-one',
      '    type: git',
      '    repository: https://example.com/r.git',
    ].join('\n');
    expect(issuesOf(() => loadConfig({ text, env: {} }))).toEqual([
      { field: 'server.colour', message: 'is not a known field', line: 3, col: 11 },
      { field: 'server.port', message: 'must be <= 65535; got 70000', line: 2, col: 9 },
      { field: 'kubernetes.mode', message: "must be one of 'kubeconfig', 'in-cluster', 'simulate'; got 'magic'", line: 5, col: 9 },
      { field: 'providers.0.name', message: "must be a DNS label (lowercase letters, digits and -); got 'Bad_Name'", line: 7, col: 11 },
      { field: 'providers.1.ref', message: 'is required', line: 10, col: 5 },
    ]);
  });

  it('reads the Kubernetes connection limit, and refuses one that is not a whole number from 1 to 10000', () => {
    expect(loadConfig({ text: 'kubernetes:\n  maxConnections: 32', env: {} }).kubernetes).toEqual({ mode: 'kubeconfig', maxConnections: 32 });
    expect(issuesOf(() => loadConfig({ text: 'kubernetes:\n  maxConnections: 0', env: {} }))).toEqual([
      { field: 'kubernetes.maxConnections', message: 'must be >= 1; got 0', line: 2, col: 19 },
    ]);
    expect(() => loadConfig({ text: 'kubernetes:\n  maxConnections: 0', env: {} })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(issuesOf(() => loadConfig({ text: 'kubernetes:\n  maxConnections: 2.5', env: {} }))).toEqual([
      { field: 'kubernetes.maxConnections', message: 'must be integer; got 2.5', line: 2, col: 19 },
    ]);
    expect(issuesOf(() => loadConfig({ text: 'kubernetes:\n  maxConnections: 20000', env: {} }))).toEqual([
      { field: 'kubernetes.maxConnections', message: 'must be <= 10000; got 20000', line: 2, col: 19 },
    ]);
  });

  it('names the environment variable a bad value came from', () => {
    expect(issuesOf(() => loadConfig({ env: { INNOMINATUS_PORT: 'eighty' } }))).toEqual([
      { field: 'server.port (from INNOMINATUS_PORT)', message: "must be integer; got 'eighty'" },
    ]);
  });

  it('never quotes a token, key or database URL in an error', () => {
    const text = `auth:\n  tokens:\n    - name: short\n      role: admin\n      token: tooshort\nsecrets:\n  encryptionKey: not-a-key\n`;
    const issues = issuesOf(() => loadConfig({ text, env: { INNOMINATUS_DATABASE_URL: 'mysql://root:hunter22@x' } }));
    expect(JSON.stringify(issues)).not.toMatch(/tooshort|not-a-key|hunter22/);
    expect(issues.map((i) => i.field)).toEqual(['store.url (from INNOMINATUS_DATABASE_URL)', 'auth.tokens.0.token', 'secrets.encryptionKey']);
    expect(issues[1]!.message).toBe('must NOT have fewer than 16 characters (value not shown)');
  });

  it('refuses a PostgreSQL URL that does not parse, naming store.url without its value', () => {
    const key = 'ab'.repeat(32);
    const issues = issuesOf(() =>
      loadConfig({ overrides: { 'store.url': 'postgres://u:s3cr3tpw@127.0.0.1:99999/db' }, env: { INNOMINATUS_ENCRYPTION_KEY: key } }),
    );
    expect(issues).toEqual([
      {
        field: 'store.url',
        message:
          'is not a valid URL (expected postgres://user:password@host:port/database, with a port from 1 to 65535 and special characters in the password percent-encoded)',
      },
    ]);
    expect(JSON.stringify(issues)).not.toContain('s3cr3tpw');
  });

  it('checks tokens from the environment, duplicates and the PostgreSQL key', () => {
    const text = [
      'store: { url: "postgres://db/x" }',
      'auth:',
      '  tokens:',
      '    - { name: a, role: admin, tokenEnv: MISSING_TOKEN }',
      `    - { name: b, role: user, token: ${TOKEN} }`,
      `    - { name: c, role: user, token: ${TOKEN} }`,
      '    - { name: d, role: user }',
      'providers:',
      '  - { name: p, type: filesystem, path: ./p }',
      '  - { name: p, type: filesystem, path: ./q }',
    ].join('\n');
    expect(issuesOf(() => loadConfig({ text, env: {} }))).toEqual([
      { field: 'auth.tokens.0.tokenEnv', message: 'environment variable MISSING_TOKEN is not set', line: 4, col: 41 },
      { field: 'auth.tokens.2', message: "token 'c' has the same value as an earlier token", line: 6, col: 7 },
      { field: 'auth.tokens.3', message: 'needs exactly one of `token` or `tokenEnv`', line: 7, col: 7 },
      { field: 'providers.1.name', message: "provider 'p' is configured twice", line: 10, col: 13 },
      {
        field: 'secrets.encryptionKey',
        message: 'is required with a PostgreSQL store, so that every replica can read the sensitive outputs the others stored',
        line: 1,
        col: 1,
      },
    ]);
  });

  it('reports YAML syntax errors and unreadable files with a position', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'server:\n  port: [1,\n');
    const issues = issuesOf(() => loadConfig({ file, env: {} }));
    expect(issues[0]!.field).toBe('(document)');
    expect(issues[0]!.line).toBe(3);
    expect(() => loadConfig({ file: join(dir, 'missing.yaml'), env: {} })).toThrow(/missing\.yaml:\n\(file\): cannot be read: ENOENT/);
  });
});
