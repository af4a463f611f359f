import { defineConfig } from 'vitest/config';

// The release tests share one packed-and-installed project per checkout
// (test/support/release.ts), which release-install changes while it runs (it
// adds and removes the SQLite addon): they run one at a time, after the rest.
const RELEASE = ['test/release-*.test.ts'];

// Workspace packages resolve to their TypeScript source through the `source`
// export condition, so tests never need a build first; the exceptions are the
// tests of the built output (packaging, release, API reports) and those that
// start the host as a process (test/support/host-bundle.ts): the test command
// builds before it runs them.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['packages/*/test/**/*.test.ts', 'providers/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**', ...RELEASE],
        },
      },
      // A later group (vitest runs projects of a lower groupOrder first): after every other file, its files one at a time.
      { extends: true, test: { name: 'release', include: RELEASE, fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
