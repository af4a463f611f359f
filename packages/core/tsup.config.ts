import { defineConfig } from 'tsup';

const common = {
  dts: true,
  sourcemap: true,
  target: 'node20',
  // p-retry is ESM-only with a default export: bundling it keeps the CommonJS
  // build working. TypeBox (200 small files) and cel-js are bundled for start-up
  // time: a CLI that validates one provider loads ~50 ms faster.
  noExternal: ['p-retry', 'is-network-error', '@sinclair/typebox', '@marcbachmann/cel-js'],
} as const;

// The two builds run in parallel, so neither cleans dist (the build script does).
export default defineConfig([
  {
    ...common,
    entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' },
    format: ['esm', 'cjs'],
  },
  {
    ...common,
    // Runs under the caller's vitest, which cannot be loaded with require(): ESM only.
    entry: { 'testing/store-conformance': 'src/testing/store-conformance.ts' },
    format: ['esm'],
    external: ['vitest'],
  },
]);
