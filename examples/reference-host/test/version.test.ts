import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCtl } from '../src/ctl/main';
import { HOST_VERSION } from '../src/version';

const version = (path: string) => (JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as { version: string }).version;
const hostVersion = version('../package.json');
const coreVersion = version('../../../packages/core/package.json');
const expected = `${hostVersion} (@innominatus/core ${coreVersion})\n`;

function sink() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(c, _e, cb) {
      chunks.push(c.toString());
      cb();
    },
  }) as unknown as NodeJS.WriteStream;
  return { stream, text: () => chunks.join('') };
}

describe('--version of the host and its client', () => {
  it("HOST_VERSION is package.json's version", () => {
    expect(HOST_VERSION).toBe(hostVersion);
  });

  it('innominatus-ctl --version prints the version and that of core, and exits 0', async () => {
    for (const flag of ['--version', '-v']) {
      const out = sink();
      const err = sink();
      const code = await runCtl([flag], { stdout: out.stream, stderr: err.stream, env: {} });
      expect({ code, out: out.text(), err: err.text() }).toStrictEqual({ code: 0, out: expected, err: '' });
    }
  });

  it('innominatus-host --version prints the same line and exits 0 without starting', async () => {
    const bin = fileURLToPath(new URL('../bin/innominatus-host.js', import.meta.url));
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, '--version'], { timeout: 60_000 });
    expect({ stdout, stderr }).toStrictEqual({ stdout: expected, stderr: '' });
  }, 60_000);
});
