import { dirname } from 'node:path';
import { defineConfig } from 'tsup';
import { metaSchemaValidatorSource } from './scripts/meta-schema-validator';

// The built code checks the schemas workflows declare against the draft-07
// meta-schema with a validator generated here by ajv's standalone mode instead
// of compiling the meta-schema at start-up (see src/util/meta-schema-validator.ts).
const metaSchemaValidator = {
  name: 'meta-schema-validator',
  setup(build: { onLoad(o: { filter: RegExp }, f: (a: { path: string }) => { contents: string; loader: 'js'; resolveDir: string }): void }) {
    build.onLoad({ filter: /[\\/]src[\\/]util[\\/]meta-schema-validator\.ts$/ }, (args) => ({
      contents: metaSchemaValidatorSource(true),
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
};

const common = {
  dts: true,
  sourcemap: true,
  target: 'node20',
  // Inlined into the JavaScript (credited in THIRD_PARTY_NOTICES.md): p-retry is
  // ESM-only with a default export, so bundling it keeps the CommonJS build
  // working; cel-js and TypeBox's runtime (200 small modules) are bundled for
  // start-up time: loading TypeBox from node_modules adds ~100 ms to a CLI that
  // validates one provider. TypeBox's types are not inlined: the declarations
  // import `@sinclair/typebox`, a peer dependency, so a user's TypeBox and ours
  // are one type; at run time schemas from either copy are the same plain
  // objects (TypeBox marks them with `Symbol.for` keys). ajv and ajv-formats
  // (with ajv's own dependencies) are bundled for the same reason: ~100
  // CommonJS modules cost ~50 ms of every process that imports core, and no
  // declaration of core names an ajv type.
  noExternal: [
    'p-retry',
    'is-network-error',
    '@marcbachmann/cel-js',
    '@sinclair/typebox',
    'ajv',
    /^ajv\//,
    'ajv-formats',
    'fast-deep-equal',
    'json-schema-traverse',
    'fast-uri',
  ],
  // import.meta.url in the CommonJS build (re2js is loaded lazily with require).
  shims: true,
  esbuildPlugins: [metaSchemaValidator],
} as const;

// The store conformance suite runs under the caller's vitest (a peer, never
// bundled). Its CommonJS build exists so that `require` resolves with types;
// vitest itself then refuses to load with require() and says to use import.
export default defineConfig({
  ...common,
  clean: true,
  entry: {
    index: 'src/index.ts',
    'store/index': 'src/store/index.ts',
    'internal/index': 'src/internal/index.ts',
    'telemetry/index': 'src/telemetry/index.ts',
    'testing/index': 'src/testing/index.ts',
    'testing/store-conformance': 'src/testing/store-conformance.ts',
  },
  format: ['esm', 'cjs'],
  // One copy of core's modules per format: the CommonJS entries share chunks
  // as the ESM ones do, so a program that requires the root entry and
  // `./store` (or `./testing`) loads each class and each module state once.
  splitting: true,
  external: ['vitest'],
});
