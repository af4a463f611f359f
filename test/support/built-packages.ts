import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './repo-root';

/**
 * Throws, naming the package, when one of the workspace's packages has no
 * build or has source newer than its build: for tests that run the built
 * packages (which the test command builds before the tests), so that they
 * fail saying so instead of running stale code.
 *
 * @param packages the packages' folders under `packages/` (e.g. `core`)
 * @param why what runs on the build, for the message (e.g. `the host tests start the host on the built packages`)
 */
export function checkBuilt(packages: readonly string[], why: string): void {
  for (const name of packages) {
    const dir = join(ROOT, 'packages', name);
    let built: number;
    try {
      built = statSync(join(dir, 'dist/index.js')).mtimeMs;
    } catch {
      throw new Error(`${relative(ROOT, dir)} is not built: ${why}; run 'pnpm build'`);
    }
    const changed = newestFile(join(dir, 'src'));
    if (changed && changed.mtimeMs > built) {
      throw new Error(`${relative(ROOT, changed.path)} changed after ${relative(ROOT, dir)} was built: run 'pnpm build' (${why})`);
    }
  }
}

function newestFile(dir: string): { path: string; mtimeMs: number } | undefined {
  let newest: { path: string; mtimeMs: number } | undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const found = entry.isDirectory() ? newestFile(path) : entry.isFile() ? { path, mtimeMs: statSync(path).mtimeMs } : undefined;
    if (found && (!newest || found.mtimeMs > newest.mtimeMs)) newest = found;
  }
  return newest;
}
