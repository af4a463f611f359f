import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// Each package's public API (every exports entry) is recorded in
// packages/<package>/api/*.api.md by API Extractor, from the built
// declarations. A change to a public API must come with its report:
// `pnpm api:update` regenerates them.
const ROOT = join(__dirname, '..');

describe('the public API of every package', () => {
  it('matches its checked-in API report (pnpm api:update after a deliberate change)', async () => {
    const result = await promisify(execFile)(process.execPath, [join(ROOT, 'scripts/api-report.mjs')], { cwd: ROOT, encoding: 'utf8' }).then(
      ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );
    const failures = result.stderr.split('\n').filter((line) => line.startsWith('✖'));
    expect(failures).toStrictEqual([]);
    expect(result.code).toBe(0);
    const entries = ['core', 'provider-sdk', 'steps-kubernetes', 'store-sql'].flatMap((name) => {
      const { name: pkg, exports } = JSON.parse(readFileSync(join(ROOT, 'packages', name, 'package.json'), 'utf8')) as {
        name: string;
        exports: Record<string, { import?: { types?: string } } | string>;
      };
      return Object.entries(exports)
        .filter(([, t]) => typeof t === 'object' && t.import?.types)
        .map(([entry]) => `${pkg}${entry.slice(1)}`);
    });
    expect(
      result.stdout
        .split('\n')
        .filter((line) => line.startsWith('✔'))
        .map((line) => line.split(' ')[1]),
    ).toStrictEqual(entries);
  }, 300_000);
});
