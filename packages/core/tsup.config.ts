import { defineConfig } from 'tsup';

const common = {
  dts: true,
  sourcemap: true,
  target: 'node20',
  // p-retry is ESM-only with a default export: bundling it keeps the CommonJS build working.
  noExternal: ['p-retry', 'is-network-error'],
} as const;

export default defineConfig([
  {
    ...common,
    entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' },
    format: ['esm', 'cjs'],
    clean: true,
  },
  {
    ...common,
    // Runs under the caller's vitest, which cannot be loaded with require(): ESM only.
    entry: { 'testing/store-conformance': 'src/testing/store-conformance.ts' },
    format: ['esm'],
    external: ['vitest'],
  },
]);
