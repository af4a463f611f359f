import { dirname } from 'node:path';
import { defineConfig } from 'tsup';
import { documentValidatorsSource } from './scripts/document-validators';

// The built code validates provider.yaml and workflow files with validators
// generated here by ajv's standalone mode instead of compiling the schemas
// at start-up (see src/schema/document-validators.ts).
const documentValidators = {
  name: 'document-validators',
  setup(build: { onLoad(o: { filter: RegExp }, f: (a: { path: string }) => { contents: string; loader: 'js'; resolveDir: string }): void }) {
    build.onLoad({ filter: /[\\/]src[\\/]schema[\\/]document-validators\.ts$/ }, (args) => ({
      contents: documentValidatorsSource(true),
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
};

const common = {
  sourcemap: true,
  target: 'node20',
  esbuildPlugins: [documentValidators],
} as const;

// The CLI (dist/cli.js, what bin/provider-sdk.js runs) is one ES module with
// the SDK's own code and the libraries only it needs inlined (yaml, semver,
// commander, picocolors; credited in THIRD_PARTY_NOTICES.md): resolving and
// loading their ~130 CommonJS files cost a cold `validate` more than any
// other step of its start. `@innominatus/core` and
// `@innominatus/steps-kubernetes` stay imports, so the step modules a user
// passes with `--steps` share them with the CLI. The library entries keep
// yaml and semver as dependencies: their types are part of the API.
export default defineConfig([
  {
    ...common,
    entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: ['**/*', '!cli.js', '!cli.js.map'],
  },
  {
    ...common,
    entry: { cli: 'src/cli.ts' },
    format: ['esm'],
    clean: ['cli.js', 'cli.js.map'],
    splitting: false,
    external: ['@innominatus/core', '@innominatus/steps-kubernetes'],
    noExternal: ['yaml', 'semver', 'commander', 'picocolors'],
    // The inlined CommonJS code requires Node's built-in modules.
    banner: { js: "import { createRequire as __cliRequire } from 'node:module';\nconst require = __cliRequire(import.meta.url);" },
  },
]);
