import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** How {@link runWithCodeCache} runs a CommonJS file and where it keeps the file's code cache. */
export interface CodeCacheOptions {
  /** The folder of the cache files, made when missing; undefined: no cache (the file still runs). */
  dir: string | undefined;
  /**
   * Which cache of the file to use: each holds the functions one kind of run
   * compiled (a cache made by `--version` lacks what `validate` compiles).
   * Letters, digits and `-` only; anything else is one key, `other`.
   */
  key: string;
  /** Whether the run went well enough to keep what it compiled (asked when the process exits, `process.exitCode` set). */
  keep(): boolean;
}

/** What {@link runWithCodeCache} did with the cache. */
export type CodeCacheUse = 'none' | 'used' | 'rejected' | 'missing';

/**
 * Runs the CommonJS file `file` (as `require` would, in this process) with
 * V8's code cache: the bytecode a run compiled, kept in `options.dir`, so
 * that a later run of the same file with the same Node.js neither parses nor
 * compiles it again. A cache file names the file (its device, inode, size,
 * modification and change times: any write to the file or a new file in its
 * place changes its change time), the key, Node.js's version and the CPU
 * architecture; V8 checks its own version, its flags and the source's length
 * and rejects a cache made by another. (A hash of the source would be
 * surer still, but costs a fifth of what the cache saves.) A missing, rejected or
 * unreadable cache is made again when the process exits, at the end of its
 * event loop or by `process.exit()` (if `options.keep()` says so; never after
 * an uncaught exception), written to a temporary file and renamed; caches
 * not written for {@link STALE_DAYS} days are deleted then. Any error reading
 * or writing the cache is ignored: the file runs all the same.
 */
export function runWithCodeCache(file: string, options: CodeCacheOptions): CodeCacheUse {
  const source = readFileSync(file, 'utf8');
  const name = `${fileId(file)}-${/^[a-z0-9-]{1,32}$/.test(options.key) ? options.key : 'other'}-${process.version}-${process.arch}.bin`;
  const cacheFile = options.dir && join(options.dir, name);
  const cachedData = cacheFile ? readIfThere(cacheFile) : undefined;
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    cachedData,
  });
  const use: CodeCacheUse = !cacheFile ? 'none' : !cachedData ? 'missing' : script.cachedDataRejected ? 'rejected' : 'used';
  if (options.dir && (use === 'missing' || use === 'rejected')) {
    const dir = options.dir;
    // 'exit', not 'beforeExit', which a process.exit() (in a command or a --steps module) skips; all of it synchronous.
    let crashed = false;
    process.once('uncaughtExceptionMonitor', () => {
      crashed = true;
    });
    process.once('exit', () => {
      if (!crashed && options.keep()) writeCache(dir, name, script);
    });
  }
  const module = { exports: {} };
  (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return use;
}

/** Tells the file apart from any other and from itself before any change (see {@link runWithCodeCache}). */
function fileId(file: string): string {
  const s = statSync(file, { bigint: true });
  return [s.dev, s.ino, s.size, s.mtimeNs, s.ctimeNs].map((n) => n.toString(36)).join('-');
}

/** The file's bytes, or undefined when it cannot be read. */
function readIfThere(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** A cache file (of any version of any file) not written for this many days is deleted when a cache is written. */
export const STALE_DAYS = 30;

/** The name of a cache file {@link runWithCodeCache} writes. */
const CACHE_FILE = /^[a-z0-9-]+-v[0-9.]+-[a-z0-9]+\.bin$/;

/** Writes the script's code cache as `dir/name` (via a temporary file) and deletes stale caches; errors are ignored. */
function writeCache(dir: string, name: string, script: Script): void {
  const temporary = join(dir, `${name}.${process.pid}.tmp`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
    renameSync(temporary, join(dir, name));
    const stale = Date.now() - STALE_DAYS * 86_400_000;
    for (const other of readdirSync(dir)) {
      if (CACHE_FILE.test(other) && statSync(join(dir, other)).mtimeMs < stale) rmSync(join(dir, other), { force: true });
    }
  } catch {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Nothing to clean up, or no right to.
    }
  }
}
