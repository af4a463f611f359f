import { spawn } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/e2e-host';

describe("scripts/demo.sh (the README's first Quick start command, after setup)", () => {
  // At the README's `--pace instant` (the simulated operator without the delays a person watching needs).
  it('provisions the example database on the simulated cluster and exits 0', async () => {
    const child = spawn('bash', ['scripts/demo.sh', '--pace', 'instant'], { cwd: ROOT, env: { ...process.env, CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += stripVTControlCharacters(d.toString())));
    child.stderr.on('data', (d: Buffer) => (out += stripVTControlCharacters(d.toString())));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect({ code, out }).toMatchObject({ code: 0 });
    expect(out).toMatch(/SIMULATION: Kubernetes is a mock API server at http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toContain('db (postgres): requested → provisioning → active');
    expect(out).toContain('db:   step wait-for-database succeeded');
    expect(out).toMatch(/password +\*\*\* \(sensitive, redacted\)/);
    expect(out).toMatch(/host +my-app-db\.my-app\.svc\.cluster\.local/);
    expect(out).toMatch(/DATABASE_URL=secret:\/\/[0-9a-f-]{36}\/connection_string/);
    expect(out).toMatch(/demo finished in \d+\.\d s; the host stopped cleanly\./);
  }, 120_000);

  it.each([
    [['--pace', 'slow'], "'slow'"],
    [['--pace'], 'no value'],
  ])(
    'refuses %j with a usage message naming the paces, before it starts the host',
    async (args, shown) => {
      const child = spawn('bash', ['scripts/demo.sh', ...args], { cwd: ROOT, env: { ...process.env, CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += stripVTControlCharacters(d.toString())));
      child.stderr.on('data', (d: Buffer) => (out += stripVTControlCharacters(d.toString())));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect({ code, out }).toStrictEqual({ code: 1, out: `demo: --pace must be one of human, instant (got ${shown})\n` });
    },
    60_000,
  );
});
