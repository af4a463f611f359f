import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { PACKAGES, packTarballs, ROOT, type Tarballs } from './support/release';

// The tools the npm ecosystem checks packages with, on the tarballs as they
// would be published: publint (package.json against the files shipped) and
// Are the Types Wrong (types resolve for node16 ESM and CommonJS, and bundlers).

interface AttwProblem {
  kind: string;
  entrypoint?: string;
  resolutionKind?: string;
}

let tarballs: Tarballs;
const attwProblems = new Map<string, string[]>();

/** attw's problems with a tarball, node10 resolutions left out (the node16 profile ignores them). */
async function attw(tarball: string): Promise<string[]> {
  let out: string;
  try {
    ({ stdout: out } = await promisify(execFile)(join(ROOT, 'node_modules/.bin/attw'), [tarball, '--profile', 'node16', '--format', 'json'], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    }));
  } catch (error) {
    out = (error as { stdout: string }).stdout;
  }
  const report = JSON.parse(out) as { problems: Record<string, AttwProblem[]> };
  return Object.values(report.problems)
    .flat()
    .filter((p) => p.resolutionKind !== 'node10')
    .map((p) => `${p.kind} ${p.entrypoint ?? ''} ${p.resolutionKind ?? ''}`.trim());
}

beforeAll(async () => {
  tarballs = packTarballs();
  // attw type-checks each package for a few seconds: all four at once.
  await Promise.all(PACKAGES.map(async (name) => attwProblems.set(name, await attw(tarballs.files[name]))));
}, 180_000);

describe.each(PACKAGES)('the packed @innominatus/%s', (name) => {
  it('passes publint with no error, warning or suggestion', async () => {
    const tarball = readFileSync(tarballs.files[name]);
    const { messages, pkg } = await publint({ pack: { tarball: new Uint8Array(tarball).buffer }, level: 'suggestion', strict: true });
    expect(messages.map((m) => `${m.type}: ${formatMessage(m, pkg) ?? m.code}`)).toStrictEqual([]);
  });

  it('passes Are the Types Wrong with the node16 profile', () => {
    expect(attwProblems.get(name)).toStrictEqual([]);
  });

  it('ships its README, the LICENSE and no source condition pointing at unpublished files', () => {
    const listing = execFileSync('tar', ['tzf', tarballs.files[name]], { encoding: 'utf8' }).split('\n');
    expect(listing).toContain('package/README.md');
    expect(listing).toContain('package/LICENSE');
    expect(listing.some((f) => f.startsWith('package/src/'))).toBe(false);
    const manifest = execFileSync('tar', ['xzf', tarballs.files[name], '-O', 'package/package.json'], { encoding: 'utf8' });
    expect(manifest).not.toContain('"source"');
    expect(manifest).not.toContain('workspace:');
    expect(readFileSync(join(ROOT, 'packages', name, 'LICENSE'), 'utf8')).toBe(readFileSync(join(ROOT, 'LICENSE'), 'utf8'));
  });
});
