import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import type { YamlModule } from './compare';

/** The patched `yaml` the packages load and the original of the same version, side by side. */
export interface YamlCopies {
  /** The version the patch is for (its key in pnpm-workspace.yaml's `patchedDependencies`). */
  version: string;
  /** The patch file, as the workspace names it. */
  patchFile: string;
  patched: YamlModule;
  original: YamlModule;
  patchedDir: string;
  originalDir: string;
  /** The scratch project that holds the original. */
  scratch: string;
}

/** The package that loads the patched `yaml` (any workspace package depending on it would do). */
const LOADER = 'packages/provider-sdk/package.json';

/**
 * Loads the patched `yaml` as the packages do, and the original of the same
 * version: installed by pnpm into a scratch project under the system's
 * temporary folder, outside the workspace, so that no patch applies (pnpm
 * patches an aliased or tarball dependency of the same name and version
 * too); from pnpm's store when it is there, else from the registry.
 * Remove `scratch` when done.
 */
export function loadYamlCopies(root: string): YamlCopies {
  const requireFromLoader = createRequire(join(root, LOADER));
  const patched = requireFromLoader('yaml') as YamlModule;
  const workspace = patched.parse(readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8')) as { patchedDependencies?: Record<string, string> };
  const key = Object.keys(workspace.patchedDependencies ?? {}).find((k) => k.startsWith('yaml@'));
  if (!key) throw new Error("pnpm-workspace.yaml patches no version of yaml (patchedDependencies has no 'yaml@…' key)");
  const version = key.slice('yaml@'.length);
  const scratch = mkdtempSync(join(tmpdir(), 'yaml-original-'));
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'yaml-original', private: true, dependencies: { yaml: version } }));
  execFileSync('pnpm', ['install', '--prefer-offline', '--ignore-scripts', '--no-frozen-lockfile'], { cwd: scratch, stdio: 'pipe' });
  const original = createRequire(join(scratch, 'package.json'))('yaml') as YamlModule;
  return {
    version,
    patchFile: join(root, workspace.patchedDependencies![key]!),
    patched,
    original,
    patchedDir: dirname(requireFromLoader.resolve('yaml/package.json')),
    originalDir: join(scratch, 'node_modules/yaml'),
    scratch,
  };
}

/** What makes the two copies a fair comparison, as found. */
export interface CopiesFacts {
  /** The patched copy's package.json version and the patch's. */
  versions: [installed: string, patchedFor: string];
  /** The tarball integrity in the scratch project's lockfile and in the workspace's. */
  integrity: [original: unknown, workspace: unknown];
  /** The files of each copy (their own node_modules left out). */
  files: [patched: string[], original: string[]];
  /** The files whose bytes differ, and the files the patch changes. */
  changed: [differing: string[], inPatch: string[]];
}

/** The facts {@link CopiesFacts} of `copies`: each pair must be equal. */
export function copiesFacts(root: string, copies: YamlCopies): CopiesFacts {
  const files = packageFiles(copies.originalDir);
  const installed = (JSON.parse(readFileSync(join(copies.patchedDir, 'package.json'), 'utf8')) as { version: string }).version;
  const differing = files.filter((f) => !sameBytes(join(copies.patchedDir, f), join(copies.originalDir, f)));
  const inPatch = [...readFileSync(copies.patchFile, 'utf8').matchAll(/^diff --git a\/(\S+) b\//gm)].map((m) => m[1]!).sort();
  return {
    versions: [installed, copies.version],
    integrity: [integrity(copies, join(copies.scratch, 'pnpm-lock.yaml')), integrity(copies, join(root, 'pnpm-lock.yaml'))],
    files: [packageFiles(copies.patchedDir), files],
    changed: [differing, inPatch],
  };
}

function sameBytes(a: string, b: string): boolean {
  try {
    return readFileSync(a).equals(readFileSync(b));
  } catch {
    return false;
  }
}

/** The files of a package folder (its own node_modules left out), relative to it, sorted. */
function packageFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .filter((f) => !f.startsWith('node_modules'))
    .sort();
}

/** The integrity pnpm recorded for the version's tarball in a lockfile (one of this pnpm's may hold more than one document). */
function integrity(copies: YamlCopies, lockfile: string): unknown {
  type Lock = { packages?: Record<string, { resolution?: { integrity?: string } }> } | null;
  const docs = copies.patched.parseAllDocuments(readFileSync(lockfile, 'utf8'));
  const list = Array.isArray(docs) ? docs : [];
  return list.map((d) => (d.toJS() as Lock)?.packages?.[`yaml@${copies.version}`]?.resolution?.integrity).find(Boolean);
}

/** Removes the scratch project. */
export function removeCopies(copies: YamlCopies | undefined): void {
  if (copies) rmSync(copies.scratch, { recursive: true, force: true });
}
