import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify, stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCtl } from '../examples/reference-host/src/ctl/main';
import { ADMIN_TOKEN, ROOT, USER_TOKEN, startHost, until, type E2eHost } from './support/e2e-host';

const run = promisify(execFile);
const spec = (app: string) =>
  `apiVersion: score.dev/v1b1\nmetadata:\n  name: ${app}\ncontainers:\n  main:\n    image: app:1\nresources:\n  db:\n    type: postgres\n`;

/** A stream that keeps what is written, a terminal or not. */
function sink(tty: boolean) {
  const chunks: string[] = [];
  const stream = new Writable({
    write(c, _e, cb) {
      chunks.push(c.toString());
      cb();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(stream, { isTTY: tty, columns: 100 });
  return { stream, raw: () => chunks.join(''), text: () => stripVTControlCharacters(chunks.join('')) };
}

describe('innominatus-ctl against a host on --simulate', () => {
  let e2e: E2eHost;
  let dir: string;
  const files: Record<string, string> = {};
  beforeAll(async () => {
    // tty-app's database is held in Creating until the terminal display has drawn it (the test releases it), so it is redrawn before it is active.
    e2e = await startHost({ simulation: { scripts: { 'bad-app-db': { create: 'CreateFailed' } } } });
    e2e.host.simulation!.operator.hold('tty-app-db');
    dir = mkdtempSync(join(tmpdir(), 'innominatus-ctl-'));
    for (const app of ['plain-app', 'tty-app', 'bad-app', 'bin-app']) {
      files[app] = join(dir, `${app}.yaml`);
      writeFileSync(files[app], spec(app));
    }
  });
  afterAll(async () => {
    await e2e?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  /** Starts innominatus-ctl in this process: its output so far, and its result once it exits. */
  const startCtl = (args: string[], options: { tty?: boolean; env?: NodeJS.ProcessEnv } = {}) => {
    const out = sink(options.tty === true);
    const err = sink(false);
    const exited = runCtl(args, {
      stdout: out.stream,
      stderr: err.stream,
      env: options.env ?? { INNOMINATUS_SERVER: e2e.url, INNOMINATUS_TOKEN: USER_TOKEN },
    });
    return { raw: out.raw, done: exited.then((code) => ({ code, out: out.text(), raw: out.raw(), err: err.text() })) };
  };
  const ctl = (args: string[], options: { tty?: boolean; env?: NodeJS.ProcessEnv } = {}) => startCtl(args, options).done;

  it('apply --wait without a terminal: one plain line per change, exit 0 once active', async () => {
    const r = await ctl(['apply', '-f', files['plain-app']!, '--wait', '--timeout', '5m']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toMatch(/^create db \(postgres\)/);
    expect(lines).toContain('db:   step wait-for-database succeeded');
    expect(lines.at(-1)).toBe('db (postgres): requested → provisioning → active');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matches ANSI escape sequences
    expect(r.raw).not.toMatch(/\x1b\[\d*A/);
  });

  it('apply --wait on a terminal: a redrawn progress block, exit 0 once active', async () => {
    const running = startCtl(['apply', '-f', files['tty-app']!, '--wait'], { tty: true });
    await until('the display to draw the provisioning database', async () => running.raw().includes('provisioning'));
    e2e.host.simulation!.operator.release('tty-app-db');
    const r = await running.done;
    expect(r.code).toBe(0);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matches ANSI escape sequences
    expect(r.raw).toMatch(/\x1b\[\d+A/);
    expect(r.out).toContain('✓ db (postgres)  requested → provisioning → active');
    expect(r.out).toContain('✓ create-postgres-cluster  ✓ wait-for-database  ✓ get-credentials');
    expect(r.out).not.toContain('db:   step');
  });

  it('exit 1 with the reason when a resource fails; describe shows why; retry is accepted', async () => {
    const r = await ctl(['apply', '-f', files['bad-app']!, '--wait']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('db (postgres): requested → provisioning → failed');
    expect(r.out).toMatch(/db failed: STEP_FAILED: step 'wait-for-database' failed: .*observed status: \{"PostgresClusterStatus":"CreateFailed"\}/);
    const list = await ctl(['get', 'resources', '-a', 'bad-app', '-o', 'json']);
    const [resource] = JSON.parse(list.out);
    const described = await ctl(['describe', 'resource', resource.id]);
    expect(described.code).toBe(0);
    expect(described.out).toContain(`Name:         bad-app/db\nType:         postgres\nID:           ${resource.id}\nState:        failed\n`);
    expect(described.out).toMatch(
      / {2}succeeded {2}create-postgres-cluster \(kubernetes-apply\) \d+\.\d s\n {2}failed {5}wait-for-database \(wait-for-condition\)/,
    );
    expect(described.out).toContain('Reason:       STEP_FAILED: ');
    const retried = await ctl(['retry', resource.id]);
    expect([retried.code, retried.out]).toEqual([0, `retry requested for bad-app/db (${resource.id})\n`]);
  });

  it('get, graph --format mermaid, delete --dry-run and delete', async () => {
    const apps = await ctl(['get', 'applications']);
    expect(apps.out.split('\n')[0]).toBe('NAME        RESOURCES   STATES');
    expect(apps.out).toContain('plain-app   1           1 active');
    const resources = await ctl(['get', 'resources', '-a', 'plain-app']);
    expect(resources.out).toMatch(/^APPLICATION {3}NAME {3}TYPE {7}STATE {4}GENERATION {3}ID\nplain-app {5}db {5}postgres {3}active {3}1 {12}[0-9a-f-]{36}\n$/);
    const mermaid = await ctl(['graph', 'plain-app', '--format', 'mermaid']);
    expect(mermaid.out.split('\n').slice(0, 3)).toEqual(['flowchart LR', '  n0(["plain-app"])', '  n1[("db · postgres · active")]']);
    const plan = await ctl(['delete', 'plain-app', '--dry-run']);
    expect([plan.code, plan.out]).toEqual([0, 'would delete db (postgres, active)\n']);
    const deleted = await ctl(['delete', 'plain-app']);
    expect([deleted.code, deleted.out]).toEqual([0, 'delete db (postgres, active)\n']);
  });

  it('exit 2 for usage, a missing or refused token and an unreachable host; exit 1 for a refused spec, naming the field', async () => {
    const none = await ctl(['get', 'applications'], { env: { INNOMINATUS_SERVER: e2e.url, XDG_CONFIG_HOME: dir } });
    expect([none.code, none.err]).toEqual([
      2,
      `innominatus-ctl: no API token: set INNOMINATUS_TOKEN, or put 'token: <token>' in ${join(dir, 'innominatus/ctl.yaml')}\n`,
    ]);
    const wrong = await ctl(['get', 'applications'], { env: { INNOMINATUS_SERVER: e2e.url, INNOMINATUS_TOKEN: 'nope-nope-nope' } });
    expect([wrong.code, wrong.err]).toEqual([2, 'innominatus-ctl: GET /api/applications: HTTP 401 UNAUTHENTICATED: unknown bearer token\n']);
    const closed = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const down = await ctl(['get', 'applications'], { env: { INNOMINATUS_SERVER: `http://127.0.0.1:${closed}`, INNOMINATUS_TOKEN: USER_TOKEN } });
    expect([down.code, down.err]).toEqual([2, 'innominatus-ctl: cannot reach the host: ECONNREFUSED\n']);
    const usage = await ctl(['get', 'nodes']);
    expect([usage.code, usage.err]).toEqual([2, "innominatus-ctl: cannot get 'nodes': use 'applications' or 'resources'\n"]);
    expect((await ctl(['frobnicate'])).code).toBe(2);
    const soon = await ctl(['apply', '-f', files['plain-app']!, '--wait', '--timeout', 'soon']);
    expect([soon.code, soon.err]).toEqual([2, "innominatus-ctl: --timeout: 'soon' is not a duration like 90s, 5m or 1h\n"]);
    const badFile = join(dir, 'bad.yaml');
    writeFileSync(badFile, spec('bad-size').replace('type: postgres', 'type: postgres\n    properties:\n      size: huge'));
    const refused = await ctl(['apply', '-f', badFile]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(
      /^innominatus-ctl: POST \/api\/specs: HTTP 422 SCORE_PROPERTIES_INVALID: .*\n {2}resources\.db\.params\.size \(line \d+, column \d+\): parameter 'size' must be one of "small", "medium", "large" \(got "huge"\)/,
    );
    const missing = await ctl(['apply', '-f', join(dir, 'nope.yaml')]);
    expect([missing.code, missing.err]).toEqual([2, `innominatus-ctl: cannot read ${join(dir, 'nope.yaml')}: no such file\n`]);
  });

  it('reads the server and token from a config file', async () => {
    const config = join(dir, 'ctl.yaml');
    writeFileSync(config, `server: ${e2e.url}\ntoken: ${ADMIN_TOKEN}\n`);
    const r = await ctl(['--config', config, 'get', 'applications', '-o', 'json'], { env: {} });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).map((a: { name: string }) => a.name)).toContain('tty-app');
    writeFileSync(config, 'server: x\ntokn: y\n');
    expect((await ctl(['--config', config, 'get', 'applications'], { env: {} })).err).toBe(
      `innominatus-ctl: config file ${config}: unknown field 'tokn' (known: server, token)\n`,
    );
  });

  it('runs as bin/innominatus-ctl.js on a real terminal (script) and without one', async () => {
    const env = { ...process.env, INNOMINATUS_SERVER: e2e.url, INNOMINATUS_TOKEN: USER_TOKEN, TERM: 'xterm' };
    const bin = join(ROOT, 'examples/reference-host/bin/innominatus-ctl.js');
    const tty = await run('script', ['-qec', `node ${bin} apply -f ${files['bin-app']} --wait`, '/dev/null'], { env, timeout: 60_000 });
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matches ANSI escape sequences
    expect(tty.stdout).toMatch(/\x1b\[\d+A/);
    expect(stripVTControlCharacters(tty.stdout)).toContain('✓ db (postgres)  requested → provisioning → active');
    const plain = await run('node', [bin, 'graph', 'bin-app', '--format', 'dot'], { env, timeout: 60_000 });
    expect(plain.stdout.startsWith('digraph "bin-app" {\n  rankdir=LR;\n')).toBe(true);
  }, 120_000);
});
