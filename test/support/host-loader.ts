// The entry of the host bundle (test/support/host-bundle.ts), as the provider-sdk CLI's loader is its CLI's: it runs
// the host, one CommonJS file beside it, with V8's code cache of its compiled functions in the folder beside it,
// so that a start neither parses nor compiles again what an earlier one did. A start that ended well (exit code 0:
// stopped by SIGTERM, --version, --help) keeps what it compiled; a refused one or a killed one does not.
import { fileURLToPath } from 'node:url';
import { IMPORT_MODULE } from '../../packages/provider-sdk/src/cli/import-module';
import { runWithCodeCache } from '../../packages/provider-sdk/src/code-cache/run-with-code-cache';

(globalThis as { [IMPORT_MODULE]?: (url: string) => Promise<unknown> })[IMPORT_MODULE] = (url) => import(url);
runWithCodeCache(fileURLToPath(new URL('./host.cjs', import.meta.url)), {
  dir: fileURLToPath(new URL('./code-cache', import.meta.url)),
  key: 'host',
  keep: () => process.exitCode === undefined || Number(process.exitCode) === 0,
});
