import { homedir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { IMPORT_MODULE } from './cli/import-module';
import { codeCacheDir } from './code-cache/cache-dir';
import { runWithCodeCache } from './code-cache/run-with-code-cache';

// What bin/provider-sdk.js runs: the CLI, one CommonJS file (dist/cli-main.cjs),
// with V8's code cache of its compiled functions in the user's cache folder.
// A cache is kept for each command (its first argument) when the command ran
// (exit code 0 or 1: not a usage error or a crash).
let home = '';
try {
  home = homedir();
} catch {
  // No home folder: the cache folder is only what the environment names.
}
(globalThis as { [IMPORT_MODULE]?: (url: string) => Promise<unknown> })[IMPORT_MODULE] = (url) => import(url);
runWithCodeCache(fileURLToPath(new URL('./cli-main.cjs', import.meta.url)), {
  dir: codeCacheDir({ env: process.env, platform: process.platform, home }),
  key: process.argv[2] ?? 'none',
  keep: () => process.exitCode === undefined || Number(process.exitCode) <= 1,
});
