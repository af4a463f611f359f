import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * What a user installs: the four packages packed with `pnpm pack` (as
 * `pnpm publish` would), installed with npm into a project outside the
 * workspace. Packing and installing take a while, so both are cached, keyed
 * by a hash of everything that goes into the tarballs; test files running in
 * parallel share one copy through a lock.
 */

export const ROOT = join(__dirname, '../..');
export const PACKAGES = ['core', 'provider-sdk', 'steps-kubernetes', 'store-sql'] as const;
export type PackageDir = (typeof PACKAGES)[number];
export const CACHE = join(ROOT, 'node_modules/.cache/innominatus-release');

/** The packed tarballs, by package folder name, and the hash they were keyed by. */
export interface Tarballs {
  hash: string;
  files: Record<PackageDir, string>;
}

/** A fresh npm project with the tarballs installed. */
export interface StrangerProject {
  dir: string;
  tarballs: Tarballs;
}

/** A lock folder older than this was left by a killed run; waiting for a lock gives up after as long. */
const LOCK_STALE_MS = 10 * 60_000;

/**
 * Runs `fn` holding the lock folder `name` in `dir` ({@link CACHE} unless
 * told), so processes that need one cached thing at once (test files in
 * parallel, the run's background preparation, other checkouts for a cache
 * outside the checkout) make it once. Waiting does not block: the process
 * goes on with its other work (the vitest process its run) while it polls.
 */
export async function withLock<T>(name: string, fn: () => Promise<T>, dir: string = CACHE): Promise<T> {
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, `${name}.lock`);
  const deadline = Date.now() + LOCK_STALE_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function hashTree(hash: ReturnType<typeof createHash>, dir: string, base: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (['node_modules', 'src', 'test', 'bench'].includes(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) hashTree(hash, path, base);
    else if (entry.isFile()) hash.update(relative(base, path)).update(readFileSync(path));
  }
}

/** The four packages packed (the build must have run: the test command builds first). */
export async function packTarballs(): Promise<Tarballs> {
  const hash = createHash('sha256');
  hash.update(readFileSync(join(ROOT, '.pnpmfile.cjs')));
  for (const name of PACKAGES) hashTree(hash, join(ROOT, 'packages', name), ROOT);
  const key = hash.digest('hex').slice(0, 16);
  const dir = join(CACHE, `tarballs-${key}`);
  return withLock('pack', async () => {
    if (!existsSync(join(dir, 'done'))) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      for (const name of PACKAGES) await run('pnpm', ['pack', '--pack-destination', dir], join(ROOT, 'packages', name));
      writeFileSync(join(dir, 'done'), '');
    }
    const files = Object.fromEntries(PACKAGES.map((name) => [name, join(dir, `innominatus-${name}-1.0.0.tgz`)])) as Record<PackageDir, string>;
    return { hash: key, files };
  });
}

/** The version of a package the workspace has installed (resolved from `from`). */
export function workspaceVersion(name: string, from: PackageDir): string {
  return workspacePackage(name, from).version;
}

function workspacePackage(name: string, from: PackageDir): { version: string; dir: string } {
  const dir = join(ROOT, 'packages', from, 'node_modules', name);
  return { version: (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version, dir };
}

const NPM_FLAGS = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];
const npmEnv = () => ({ ...process.env, npm_config_update_notifier: 'false', NODE_OPTIONS: '' });

/** Runs npm with a quiet, offline-first configuration, without blocking (so several run at once); fails when npm does. */
export async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run('npm', [...args, ...NPM_FLAGS], cwd, npmEnv());
  return stdout;
}

/** How a child process ended. */
export interface Exited {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a program without blocking (`timeoutMs`, 60 s unless told, at most); the
 * answer is how it ended, whatever its exit code.
 */
export function runProgram(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env, timeoutMs = 60_000): Promise<Exited> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, env, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      // A number is the exit code; anything else (ENOENT, a signal) is no exit status of the program's own.
      if (error && typeof error.code !== 'number' && !error.killed) reject(error);
      else resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

/**
 * {@link runProgram} that fails when the program does. What it runs makes the
 * cache (packs, installs, downloads), so it has as long as a lock is waited for.
 */
export async function run(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Exited> {
  const exited = await runProgram(file, args, cwd, env, LOCK_STALE_MS);
  if (exited.status !== 0) throw new Error(`${file} ${args.join(' ')} exited with ${String(exited.status)}:\n${exited.stderr}`);
  return exited;
}

/**
 * A project in the system's temporary folder (outside the workspace, so
 * nothing resolves from its node_modules) with the four tarballs installed
 * by npm, plus nock (for the mock cluster) and better-sqlite3. better-sqlite3
 * is installed without its install script, which would compile the native
 * addon for minutes; `addSqliteAddon` copies in the one the workspace built.
 */
export async function strangerProject(): Promise<StrangerProject> {
  const tarballs = await packTarballs();
  // One per checkout: the lock guarding it is the checkout's own (in CACHE), so two checkouts of one commit testing at once must not share it.
  const checkout = createHash('sha256').update(ROOT).digest('hex').slice(0, 8);
  const dir = join(tmpdir(), `innominatus-stranger-${checkout}-${tarballs.hash}`);
  return withLock('install', async () => {
    if (!existsSync(join(dir, 'installed'))) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'stranger', version: '1.0.0', private: true }, null, 2)}\n`);
      await npm(
        [
          'install',
          '--ignore-scripts',
          ...PACKAGES.map((name) => tarballs.files[name]),
          `nock@${workspaceVersion('nock', 'steps-kubernetes')}`,
          `better-sqlite3@${workspaceVersion('better-sqlite3', 'store-sql')}`,
        ],
        dir,
      );
      cpSync(join(ROOT, 'providers/database-team'), join(dir, 'providers/database-team'), {
        recursive: true,
        filter: (source) => !/[/\\](node_modules|test)$/.test(source),
      });
      writeFileSync(join(dir, 'installed'), '');
    }
    return { dir, tarballs };
  });
}

/** Copies the workspace's compiled better-sqlite3 addon (built for this Node) into the project. */
export function addSqliteAddon(project: StrangerProject): void {
  const addon = 'build/Release/better_sqlite3.node';
  const target = join(project.dir, 'node_modules/better-sqlite3', addon);
  mkdirSync(join(target, '..'), { recursive: true });
  copyFileSync(join(workspacePackage('better-sqlite3', 'store-sql').dir, addon), target);
}

/** Removes the copied addon again, so the project is as npm left it. */
export function removeSqliteAddon(project: StrangerProject): void {
  rmSync(join(project.dir, 'node_modules/better-sqlite3/build'), { recursive: true, force: true });
}
