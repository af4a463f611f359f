import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
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
    // The published package resolves itself by name; from source, alias it for this one run.
    await writeFile(
      join(dir, 'vitest.config.ts'),
      `import { defineConfig } from 'vitest/config';
export default defineConfig({
  resolve: { conditions: ['source'], alias: { '@innominatus/provider-sdk/testing': ${JSON.stringify(join(pkg, 'src/testing/index.ts'))} } },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: { include: ['cache-team/test/*.test.ts'], testTimeout: 30000 },
});
`,
    );
    const vitest = join(pkg, '../../node_modules/.bin/vitest');
    const { stdout } = await promisify(execFile)(vitest, ['run', '--config', 'vitest.config.ts'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    expect(stdout).toMatch(/Tests\s+1 passed \(1\)/);
  }, 120_000);
});
