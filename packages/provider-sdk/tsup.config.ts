import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { defineConfig } from 'tsup';
import { documentValidatorsSource } from './scripts/document-validators';
import { inlinedPackageSource } from './scripts/inlined-packages';

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

// Code of `@innominatus/core` and `@innominatus/steps-kubernetes` inlined into
// the CLI finds the packages it loads lazily from its own package, and is
// made ASCII (scripts/inlined-packages.ts).
const inlinedPackages = {
  name: 'inlined-packages',
  setup(build: { onLoad(o: { filter: RegExp }, f: (a: { path: string }) => { contents: string; loader: 'js' }): void }) {
    build.onLoad({ filter: /[\\/]packages[\\/](core|steps-kubernetes)[\\/]dist[\\/].*\.js$/ }, (args) => ({
      contents: inlinedPackageSource(args.path, readFileSync(args.path, 'utf8')),
      loader: 'js',
    }));
  },
};

// The CLI is two files. dist/cli-main.cjs is all of it, the SDK's code and
// every library it needs (core, steps-kubernetes, yaml, semver, commander,
// picocolors and what core and steps-kubernetes inline; credited in
// THIRD_PARTY_NOTICES.md) as one CommonJS file: so that dist/cli.js (what
// bin/provider-sdk.js runs, src/cli-loader.ts) can run it with V8's code
// cache, which Node.js 20 has no way to give an ES module. A cold `validate`
// otherwise spends a quarter of its time parsing and compiling ~2 MB of
// modules. Step modules a user passes with `--steps` import their own
// `@innominatus/core`; core is made to work with more than one copy of
// itself (its classes are recognised by `Symbol.for` brands). The bundle has
// no source map: one would be 3.9 MB, more than the 2.3 MB file itself, and
// map mostly into the libraries inlined; the library entries keep theirs.
export default defineConfig([
  {
    ...common,
    entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: ['**/*', '!cli.js', '!cli.js.map', '!cli-main.cjs'],
  },
  {
    ...common,
    entry: { cli: 'src/cli-loader.ts' },
    format: ['esm'],
    clean: ['cli.js', 'cli.js.map'],
  },
  {
    ...common,
    entry: { 'cli-main': 'src/cli.ts' },
    format: ['cjs'],
    sourcemap: false,
    clean: ['cli-main.cjs', 'cli-main.cjs.map'],
    splitting: false,
    noExternal: [/.*/],
    shims: true,
    esbuildPlugins: [documentValidators, inlinedPackages],
  },
]);
