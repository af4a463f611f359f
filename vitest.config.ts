import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript source through the `source`
// export condition, so tests never need a build first; the exceptions are the
// tests of the built output (packaging, release, API reports) and those that
// start the host as a process (test/support/host-bundle.ts): the test command
// builds before it runs them.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'providers/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
