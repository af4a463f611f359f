import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { projectOrderSequencer } from './test/support/project-order-sequencer';

// The release tests share one packed-and-installed project per checkout
// (test/support/release.ts). release-install removes and adds its SQLite
// addon, which only release-install loads (release-node-versions loads every
// entry, and none opens SQLite), so they run alongside each other and the
// rest. Each is a project of its own, named after it, so that its global
// setup starts, as the run begins, only what a run with that file needs
// (packing; installing; downloading the Node binaries:
// test/support/release-global-setup.ts); the files wait for it through its
// locks.
const RELEASE_FILES = ['release-lint', 'release-node-versions', 'release-install'];
const releaseFile = (name: string) => `test/${name}.test.ts`;
const RELEASE = RELEASE_FILES.map(releaseFile);

// Test files that leave nothing behind in their process (no module mocks,
// fake timers, environment or global changes; servers, stores and processes
// closed in their hooks) run without isolation: one process per worker runs
// them one after the other with one module cache, so the modules they share
// (core, the SDK, yaml, pg, ...) are loaded once per worker instead of once
// per file. They pass in any order (`--sequence.shuffle.files`). A helper
// module is then loaded once for all of them, so a hook it registers at its
// top level would run for the first file only: per-file hooks of helpers go
// in the project's setup files, which run before every file. Every file that
// does not load nock is in this one project (nock, once loaded, intercepts the
// process's HTTP): core's, the stores', the reference host's (its one spy is
// restored after each test) and the root files but the release ones (hosts in
// this process or as processes, the CLI, the web UI in Chromium, the demo, the
// builds), whose helpers' per-file clean-up (hosts left running) is
// test/support/host-files-setup.ts. Core, the stores and the host's
// source are then loaded once per worker for all of them.
const SHARED = ['packages/core/test/**/*.test.ts', 'packages/store-sql/test/**/*.test.ts', 'examples/reference-host/test/**/*.test.ts', 'test/*.test.ts'];
// provider-sdk's files run workflows on mock clusters through nock (its
// setup file removes each file's throwaway folders after it).
const SHARED_SDK = ['packages/provider-sdk/test/**/*.test.ts'];
// The providers' tests run their workflows on mock clusters through nock
// (every cluster is closed after its test), so these files share one process
// too: the Kubernetes client, the SDK and each provider (harness.ts keeps the
// loaded provider) are loaded once per worker instead of once per file.
// nock, once loaded, stays loaded in that process; none of them opens a port.
const SHARED_PROVIDERS = ['providers/*/test/**/*.test.ts'];
// The Kubernetes steps' files that leave nothing behind in their process (no
// module mocks; fake timers, spies and environment changes undone in their
// hooks or finally blocks; clusters closed in their hooks, the kubectl and
// bins they run ended by then): the Kubernetes client and the mock cluster are
// loaded once per worker. Isolated still: client-node (module mocks),
// testing-entry (checks what loading the entry loads, in a fresh process) and
// connection-pool (counts kept-alive connections: once a file has loaded nock,
// its interception of http makes each request open a connection of its own).
const SHARED_KUBERNETES = [
  'packages/steps-kubernetes/test/api-outage.test.ts',
  'packages/steps-kubernetes/test/builtin-schemas.test.ts',
  'packages/steps-kubernetes/test/client-retry-clock.test.ts',
  'packages/steps-kubernetes/test/close-clusters.test.ts',
  'packages/steps-kubernetes/test/crd-conversion.test.ts',
  'packages/steps-kubernetes/test/crd.test.ts',
  'packages/steps-kubernetes/test/event-views.test.ts',
  'packages/steps-kubernetes/test/garbage-collection.test.ts',
  'packages/steps-kubernetes/test/generate-secret.test.ts',
  'packages/steps-kubernetes/test/input-validators.test.ts',
  'packages/steps-kubernetes/test/kubectl-apply-lists.test.ts',
  'packages/steps-kubernetes/test/kubectl-crd-versions.test.ts',
  'packages/steps-kubernetes/test/kubectl.test.ts',
  'packages/steps-kubernetes/test/kubernetes-apply.test.ts',
  'packages/steps-kubernetes/test/kubernetes-client.test.ts',
  'packages/steps-kubernetes/test/kubernetes-delete.test.ts',
  'packages/steps-kubernetes/test/kubernetes-error-brand.test.ts',
  'packages/steps-kubernetes/test/load-kubeconfig.test.ts',
  'packages/steps-kubernetes/test/managed-fields.test.ts',
  'packages/steps-kubernetes/test/mock-cluster.test.ts',
  'packages/steps-kubernetes/test/object-store.test.ts',
  'packages/steps-kubernetes/test/observe-fail-with.test.ts',
  'packages/steps-kubernetes/test/read-secret.test.ts',
  'packages/steps-kubernetes/test/step-examples.test.ts',
  'packages/steps-kubernetes/test/step-permissions.test.ts',
  'packages/steps-kubernetes/test/timestamps.test.ts',
  'packages/steps-kubernetes/test/version.test.ts',
  'packages/steps-kubernetes/test/wait-for-condition.test.ts',
  'packages/steps-kubernetes/test/workflow-engine.test.ts',
  'packages/steps-kubernetes/test/zalando-crd.test.ts',
  'packages/steps-kubernetes/test/zalando-operator.test.ts',
];
const EXCLUDE = ['**/node_modules/**', '**/dist/**'];
// The order the projects' files are queued in (all run side by side, in one
// group; vitest's own order is by name, and inside a project the longest file
// first). `unit`'s files each take a process of their own, so first: they do
// not trail at the end. The release files (long, Node binaries of other
// versions) next after `shared`, so that `shared` gives a fresh clone's
// background packing and install its time (see RELEASE): the lint first (it
// needs only the packing), then by what they need made. `shared-nock` last:
// its many short files fill both workers to the end.
const PROJECT_ORDER = ['unit', 'shared', ...RELEASE_FILES, 'shared-nock'];
// `--sequence.shuffle.files` takes vitest's random order only when no sequencer is configured.
const SHUFFLED = process.argv.some((arg) => arg.startsWith('--sequence.shuffle'));
const shared = (name: string, include: string[], setupFiles: string[] = [], exclude: string[] = []) =>
  ({ extends: true, test: { name, include, exclude: [...EXCLUDE, ...exclude], setupFiles, isolate: false, sequence: { groupOrder: 0 } } }) as const;

// Workspace packages resolve to their TypeScript source through the `source`
// export condition, so tests never need a build first; the exceptions are the
// tests of the built output (packaging, release, API reports), those that
// start the host as a process (test/support/host-bundle.ts) and the SDK's
// scaffold test (its new provider runs on the built packages): the test
// command builds before it runs them.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    exclude: EXCLUDE,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    sequence: SHUFFLED ? {} : { sequencer: projectOrderSequencer(PROJECT_ORDER) },
    // Two workers at least (vitest's default is one fewer than the CPUs: one
    // on two cores). On two cores the whole suite took 153-218 s of wall time
    // with two workers and 241-383 s with one, interleaved (docs/benchmarks.md);
    // the summed test time rises with two, as files share the cores.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['packages/*/test/**/*.test.ts', 'providers/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: [...EXCLUDE, ...RELEASE, ...SHARED, ...SHARED_SDK, ...SHARED_PROVIDERS, ...SHARED_KUBERNETES],
        },
      },
      shared('shared', SHARED, ['test/support/host-files-setup.ts'], RELEASE),
      // The files that load nock, in one project of their own (nock must stay out of 'shared': once loaded it
      // intercepts every HTTP request of its process): the Kubernetes client, the mock cluster and the SDK load
      // once per worker for all of them.
      shared('shared-nock', [...SHARED_SDK, ...SHARED_PROVIDERS, ...SHARED_KUBERNETES], ['packages/provider-sdk/test/helpers/remove-folders.ts']),
      // With the rest, two at a time like them (see RELEASE), queued after `shared` (PROJECT_ORDER): on a fresh
      // clone the background packing and install has that project's time to finish before a worker waits for it,
      // instead of both workers waiting at the start.
      ...RELEASE_FILES.map((name) => ({
        extends: true as const,
        test: { name, include: [releaseFile(name)], globalSetup: ['test/support/release-global-setup.ts'], sequence: { groupOrder: 0 } },
      })),
    ],
  },
});
