import { defineConfig } from 'tsup';

const common = {
  dts: true,
  sourcemap: true,
  target: 'node20',
  // Inlined (devDependencies, credited in THIRD_PARTY_NOTICES.md): p-retry is
  // ESM-only with a default export, so bundling it keeps the CommonJS build
  // working; cel-js is bundled for start-up time. TypeBox is not inlined: its
  // types are part of the public API, so it is a peer dependency and a user's
  // TypeBox and ours are one.
  noExternal: ['p-retry', 'is-network-error', '@marcbachmann/cel-js'],
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
