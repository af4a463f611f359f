import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { checkBuilt } from '../../../test/support/built-packages';
import { runCli } from './helpers/run-cli';

const pkg = fileURLToPath(new URL('..', import.meta.url));
// Inside the package (so its dependencies resolve); `.tmp/` is git-ignored.
const tmpRoot = join(pkg, '.tmp');
let dir = '';

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('provider-sdk init → its own unit test', () => {
  it('scaffolds a provider whose test/provider.test.ts passes against the mock cluster', async () => {
    await mkdir(tmpRoot, { recursive: true });
    dir = await mkdtemp(join(tmpRoot, 'scaffold-'));
    expect((await runCli(['init', 'cache-team', '--type', 'redis'], dir)).code).toBe(0);
    // The provider runs on the built packages, as on installed ones: Node loads them (vitest externalizes an
    // installed package), so the child vitest transforms the provider's own test only, not the SDK, the
    // Kubernetes steps and core from source (4.3-4.8 s of CPU for the child instead of 1.5-2.0 s). Inside this
    // repository the SDK does not resolve itself by name: alias it for this one run.
    checkBuilt(['core', 'steps-kubernetes', 'provider-sdk'], 'the scaffold test runs the new provider on the built packages');
    await writeFile(
      join(dir, 'vitest.config.ts'),
      `import { defineConfig } from 'vitest/config';
export default defineConfig({
  resolve: { alias: { '@innominatus/provider-sdk/testing': ${JSON.stringify(join(pkg, 'dist/testing/index.js'))} } },
  test: { include: ['cache-team/test/*.test.ts'], testTimeout: 30000, server: { deps: { external: [/[\\/]packages[\\/][^\\/]+[\\/]dist[\\/]/] } } },
});
`,
    );
    const vitest = join(pkg, '../../node_modules/.bin/vitest');
    const { stdout } = await promisify(execFile)(vitest, ['run', '--config', 'vitest.config.ts'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    expect(stdout).toMatch(/Tests\s+1 passed \(1\)/);
  }, 120_000);
});

describe('provider-sdk init: where the SDK comes from', () => {
  it('uses registry versions outside this repository, workspace links inside it', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'init-outside-'));
    try {
      expect((await runCli(['init', 'p', '--type', 'redis'], outside)).code).toBe(0);
      expect(JSON.parse(await readFile(join(outside, 'p/package.json'), 'utf8')).devDependencies['@innominatus/provider-sdk']).toBe('^1.0.0');
      // A pnpm workspace holding this SDK's source, like this repository.
      await mkdir(join(outside, 'ws/packages/provider-sdk'), { recursive: true });
      await writeFile(join(outside, 'ws/pnpm-workspace.yaml'), 'packages:\n  - packages/*\n  - providers/*\n');
      await writeFile(join(outside, 'ws/packages/provider-sdk/package.json'), JSON.stringify({ name: '@innominatus/provider-sdk' }));
      const run = await runCli(['init', 'ws/providers/q', '--type', 'redis'], outside);
      expect(run.code).toBe(0);
      expect(JSON.parse(await readFile(join(outside, 'ws/providers/q/package.json'), 'utf8')).devDependencies).toMatchObject({
        '@innominatus/provider-sdk': 'workspace:*',
        '@innominatus/steps-kubernetes': 'workspace:*',
      });
      expect(run.stdout).toContain('pnpm install');
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});
