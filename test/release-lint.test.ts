import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkPackage, createPackageFromTarballData } from '@arethetypeswrong/core';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { PACKAGES, packTarballs, ROOT, type Tarballs } from './support/release';

// The tools the npm ecosystem checks packages with, on the tarballs as they
// would be published: publint (package.json against the files shipped) and
// Are the Types Wrong (types resolve for node16 ESM and CommonJS, and bundlers).

let tarballs: Tarballs;
const attwProblems = new Map<string, string[]>();

/**
 * Are the Types Wrong's problems with a tarball, node10 resolutions left out
 * (what `attw --profile node16` reports). The library the attw CLI runs is
 * called here: one process checks the four packages on a TypeScript already
 * loaded and warmed up, about half the CPU of four CLI processes.
 */
async function attw(tarball: string): Promise<string[]> {
  const analysis = await checkPackage(createPackageFromTarballData(new Uint8Array(readFileSync(tarball))));
  if (!analysis.types) return ['NoTypes'];
  return analysis.problems
    .filter((p) => !('resolutionKind' in p) || p.resolutionKind !== 'node10')
    .map((p) => `${p.kind} ${'entrypoint' in p ? p.entrypoint : ''} ${'resolutionKind' in p ? p.resolutionKind : ''}`.trim());
}

beforeAll(async () => {
  tarballs = await packTarballs();
  for (const name of PACKAGES) attwProblems.set(name, await attw(tarballs.files[name]));
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

it('the packed provider-sdk ships its CLI bundle without a source map (which would be larger than the bundle) or a reference to one', () => {
  const tarball = tarballs.files['provider-sdk'];
  const cli = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter((f) => f.startsWith('package/dist/cli'));
  expect(cli.sort()).toStrictEqual(['package/dist/cli-main.cjs', 'package/dist/cli.js', 'package/dist/cli.js.map']);
  const bundle = execFileSync('tar', ['xzf', tarball, '-O', 'package/dist/cli-main.cjs'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  expect(bundle).not.toContain('sourceMappingURL');
});
