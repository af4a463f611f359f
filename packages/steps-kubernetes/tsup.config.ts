import { dirname } from 'node:path';
import { defineConfig } from 'tsup';
import { inputValidatorsSource } from './scripts/input-validators';

// The built code checks workflows' `with` blocks against the step types'
// input schemas with validators generated here by ajv's standalone mode
// instead of compiling the schemas at start-up (see src/input-validators.ts).
const inputValidators = {
  name: 'input-validators',
  setup(build: { onLoad(o: { filter: RegExp }, f: (a: { path: string }) => { contents: string; loader: 'js'; resolveDir: string }): void }) {
    build.onLoad({ filter: /[\\/]src[\\/]input-validators\.ts$/ }, (args) => ({
      contents: inputValidatorsSource(),
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
};

export default defineConfig({
  entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts', 'crd/index': 'src/crd/index.ts', 'testing/cli/bin': 'src/testing/cli/bin.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  // import.meta.url in the CommonJS build (used to find client-node lazily).
  shims: true,
  // p-retry is ESM-only with a default export: bundling it keeps the CommonJS build working.
  noExternal: ['p-retry', 'is-network-error', '@marcbachmann/cel-js'],
  esbuildPlugins: [inputValidators],
});
