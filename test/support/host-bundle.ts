import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

const ROOT = join(__dirname, '../..');
const HOST = join(ROOT, 'examples/reference-host');

/**
 * The reference host's command line as ES modules, for tests that start
 * the host as a process: its own source compiled by esbuild, every package
 * (the workspace's too) imported from its installed, built copy. Node starts
 * it without tsx and without compiling the workspace packages' TypeScript,
 * about half the CPU of a start from source. The host the CLI imports only
 * once the configuration is read is a chunk of its own (esbuild's code
 * splitting), so a refused flag or configuration loads none of its packages,
 * as a start from source does not: half the CPU of one bundle (0.40 s instead
 * of 0.82 s for a bad flag). The test command builds the
 * packages before the tests; a package whose source changed since its build
 * fails here, naming it, instead of starting a host on stale code.
 */
export function hostBundle(): Promise<string> {
  bundled ??= makeBundle();
  return bundled;
}

let bundled: Promise<string> | undefined;
let outDir: string | undefined;

/** Removes the bundle {@link hostBundle} made, if any; the next call makes a new one. The host files' setup file calls it after each file. */
export function removeHostBundle(): void {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
  bundled = undefined;
  outDir = undefined;
}

async function makeBundle(): Promise<string> {
  checkBuilt();
  // Inside the host's own node_modules, so the bundle's imports resolve as the host's source does.
  const cache = join(HOST, 'node_modules/.cache');
  mkdirSync(cache, { recursive: true });
  outDir = mkdtempSync(join(cache, 'host-bundle-'));
  await build({
    // The CLI runs main() only when it is the process's own module: here it is imported, so the entry calls it.
    stdin: { contents: "import { main } from './src/cli.ts';\nvoid main();\n", resolveDir: HOST, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outdir: outDir,
    splitting: true,
    entryNames: 'cli',
    outExtension: { '.js': '.mjs' },
    logLevel: 'warning',
    plugins: [ownUrls],
  });
  return join(outDir, 'cli.mjs');
}

/** Each host module keeps its own `import.meta.url` (the UI's files and package.json are found relative to it). */
const ownUrls: Plugin = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /[\\/]examples[\\/]reference-host[\\/]src[\\/].*\.ts$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
      loader: 'ts',
    }));
  },
};

/** Throws when a workspace package the host imports has no build, or source newer than its build. */
function checkBuilt(): void {
  const manifest = JSON.parse(readFileSync(join(HOST, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const name of Object.keys(manifest.dependencies).filter((n) => n.startsWith('@innominatus/'))) {
    const dir = join(ROOT, 'packages', name.slice('@innominatus/'.length));
    let built: number;
    try {
      built = statSync(join(dir, 'dist/index.js')).mtimeMs;
    } catch {
      throw new Error(`${relative(ROOT, dir)} is not built: the host tests start the host on the built packages; run 'pnpm build'`);
    }
    const changed = newestFile(join(dir, 'src'));
    if (changed && changed.mtimeMs > built) {
      throw new Error(
        `${relative(ROOT, changed.path)} changed after ${relative(ROOT, dir)} was built: run 'pnpm build' (the host tests start the host on the built packages)`,
      );
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
