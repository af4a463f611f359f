import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, version as esbuildVersion, type Plugin } from 'esbuild';
import { asciiOnly, inlinedPackageSource } from '../../packages/provider-sdk/scripts/inlined-packages';
import { checkBuilt } from './built-packages';
import { ROOT } from './repo-root';

const HOST = join(ROOT, 'examples/reference-host');
/** Inside the host's own node_modules, so the bundle's `require`s resolve as the host's source does. */
const DIR = join(HOST, 'node_modules/.cache/host-bundle');
/** What the bundle was made from: each input's path and a hash of them all with their contents. */
const INPUTS = join(DIR, 'inputs.json');
/** What makes the bundle without being bundled into it: this file and the inlining rule it applies (esbuild's version is hashed too). */
const MAKERS = [__filename, join(ROOT, 'packages/provider-sdk/scripts/inlined-packages.ts')];

/**
 * The reference host's command line for tests that start the host as a
 * process, run as the provider-sdk CLI is (test/support/host-loader.ts): one
 * CommonJS file with the host's own source and every package it imports (the
 * workspace's from their built copies, @kubernetes/client-node too; the SQLite
 * addon stays outside), run with V8's code cache. Node starts it without tsx,
 * without compiling the workspace packages' TypeScript and without resolving
 * a module, and a later start compiles almost nothing: from the cache a start
 * to listening takes about 0.7 s of CPU, against 1.7 s for the host as ES
 * modules importing their packages (docs/benchmarks.md). Made once for what
 * it is made of: a run or a test file whose inputs (hashed with their
 * contents) are those the last bundle was made from uses it, and its cache.
 * The test command builds the packages before the tests; a package whose
 * source changed since its build fails here, naming it, instead of starting
 * a host on stale code.
 *
 * @returns the path of the file to run with `node`
 */
export function hostBundle(): Promise<string> {
  bundled ??= makeBundle();
  return bundled;
}

let bundled: Promise<string> | undefined;

async function makeBundle(): Promise<string> {
  checkHostBuilt();
  const entry = join(DIR, 'host.mjs');
  const last = readInputsFile();
  if (last && inputsHash(last.inputs) === last.hash) return entry;
  mkdirSync(DIR, { recursive: true });
  const work = mkdtempSync(join(DIR, 'making-'));
  try {
    const inputs = [...(await buildHost(join(work, 'host.cjs'))), ...(await buildLoader(join(work, 'host.mjs'))), ...MAKERS];
    // The old cache is of the old bundle (a cache names its file's inode); the new bundle's first start makes its own.
    rmSync(join(DIR, 'code-cache'), { recursive: true, force: true });
    renameSync(join(work, 'host.cjs'), join(DIR, 'host.cjs'));
    renameSync(join(work, 'host.mjs'), entry);
    // Last: a bundle is used only once every file of it is in place.
    writeFileSync(join(work, 'inputs.json'), JSON.stringify({ hash: inputsHash(inputs), inputs }));
    renameSync(join(work, 'inputs.json'), INPUTS);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return entry;
}

/** Bundles the CLI as one CommonJS file; returns the absolute paths of its inputs. */
async function buildHost(outfile: string): Promise<string[]> {
  const found = { clientNode: false };
  const result = await build({
    absWorkingDir: ROOT,
    // The CLI runs main() only when it is the process's own module: here it is imported, so the entry calls it.
    stdin: { contents: "import { main } from './src/cli.ts';\nvoid main();\n", resolveDir: HOST, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // The SQLite addon finds its binary from its own folder; pg's native binding and nock the host never loads.
    external: ['better-sqlite3', 'pg-native', 'nock'],
    // A dynamic import() is left only for what stays outside: in a script of node:vm it would need an experimental option.
    supported: { 'dynamic-import': false },
    write: false,
    metafile: true,
    logLevel: 'error',
    plugins: [ownUrls, inlinedPackages(found)],
  });
  if (!found.clientNode) throw new Error(`no built file of packages/steps-kubernetes loads @kubernetes/client-node with ${CLIENT_NODE}`);
  writeFileSync(outfile, asciiOnly(result.outputFiles[0]!.text));
  return Object.keys(result.metafile.inputs)
    .filter((input) => !input.startsWith('<'))
    .map((input) => resolve(ROOT, input));
}

/** Bundles test/support/host-loader.ts (with the provider-sdk code it imports) as an ES module; returns its inputs. */
async function buildLoader(outfile: string): Promise<string[]> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [join(__dirname, 'host-loader.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    metafile: true,
    logLevel: 'error',
  });
  return Object.keys(result.metafile.inputs).map((input) => resolve(ROOT, input));
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

/** How steps-kubernetes loads @kubernetes/client-node (lazily, an ES module `require`d): in the bundle, a `require` esbuild inlines. */
const CLIENT_NODE = 'createRequire(import.meta.url ?? __filename)("@kubernetes/client-node")';

/**
 * The workspace packages' built files, inlined as the provider-sdk CLI inlines them; steps-kubernetes' load of
 * @kubernetes/client-node becomes a plain `require`, so client-node's hundreds of modules are inlined too (a start
 * otherwise spent 0.4 s of CPU resolving and compiling them). `found.clientNode` tells whether a file loaded it so.
 */
function inlinedPackages(found: { clientNode: boolean }): Plugin {
  return {
    name: 'inlined-packages',
    setup(b) {
      b.onLoad({ filter: /[\\/]packages[\\/][a-z0-9-]+[\\/]dist[\\/].*\.js$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        if (text.includes(CLIENT_NODE)) found.clientNode = true;
        return { contents: inlinedPackageSource(args.path, text.replace(CLIENT_NODE, 'require("@kubernetes/client-node")')), loader: 'js' };
      });
    },
  };
}

/** The inputs the last bundle was made from, with their hash; undefined when there is none. */
function readInputsFile(): { hash: string; inputs: string[] } | undefined {
  try {
    return JSON.parse(readFileSync(INPUTS, 'utf8')) as { hash: string; inputs: string[] };
  } catch {
    return undefined;
  }
}

/** A hash of esbuild's version and the files' paths and contents; undefined when there are none or one is gone. */
function inputsHash(files: string[]): string | undefined {
  if (files.length === 0) return undefined;
  const hash = createHash('sha256').update(`esbuild ${esbuildVersion}\0`);
  try {
    for (const file of files) hash.update(`${file}\0`).update(readFileSync(file)).update('\0');
  } catch {
    return undefined;
  }
  return hash.digest('hex');
}

/** Throws when a workspace package the host imports has no build, or source newer than its build. */
function checkHostBuilt(): void {
  const manifest = JSON.parse(readFileSync(join(HOST, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const packages = Object.keys(manifest.dependencies)
    .filter((n) => n.startsWith('@innominatus/'))
    .map((n) => n.slice('@innominatus/'.length));
  checkBuilt(packages, 'the host tests start the host on the built packages');
}
