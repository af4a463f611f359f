import { defineConfig } from 'tsup';

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
});
