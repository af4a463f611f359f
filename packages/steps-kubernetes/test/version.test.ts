import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { kubernetesSteps, STEPS_KUBERNETES_VERSION } from '@innominatus/steps-kubernetes';

describe('STEPS_KUBERNETES_VERSION', () => {
  it("is package.json's version, and every step type's", () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(STEPS_KUBERNETES_VERSION).toBe(pkg.version);
    expect(kubernetesSteps().map((s) => [s.type, s.version])).toEqual([
      ['kubernetes-apply', pkg.version],
      ['wait-for-condition', pkg.version],
      ['read-secret', pkg.version],
      ['generate-secret', pkg.version],
      ['kubernetes-delete', pkg.version],
    ]);
  });
});

describe('mock-cluster --version', () => {
  it('prints the version and that of core, and exits 0 without starting a server', async () => {
    const version = (path: string) => (JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as { version: string }).version;
    // The command as installed: package.json's bin, the built entry (the test command builds the packages first).
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { bin: Record<string, string> };
    const bin = fileURLToPath(new URL(`../${manifest.bin['mock-cluster']}`, import.meta.url));
    // The two flags' runs are independent: they start together.
    const runs = await Promise.all(['--version', '-v'].map((flag) => promisify(execFile)(process.execPath, [bin, flag], { timeout: 60_000 })));
    const printed = { stdout: `${version('../package.json')} (@innominatus/core ${version('../../core/package.json')})\n`, stderr: '' };
    expect(runs.map(({ stdout, stderr }) => ({ stdout, stderr }))).toStrictEqual([printed, printed]);
  }, 120_000);
});
