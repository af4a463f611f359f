import type { StepDefinition } from '@innominatus/core';
import { loadProviderForTest, type TestProvider } from './load-for-test';
import { runWorkflowToTimeout } from './run-to-timeout';
import { type CapturedEvent, type RunWorkflowOptions, runWorkflow, type WorkflowRun } from './run-workflow';

/** A mock cluster as `runWorkflow` takes it (`createMockCluster()` of `@innominatus/steps-kubernetes/testing`). */
export type TestCluster = NonNullable<RunWorkflowOptions['cluster']>;

/** One provider folder for a test file's tests: loaded on first use, its workflows run against a mock cluster. */
export interface ProviderForTests {
  /** The provider, loaded and validated by {@link loadProviderForTest} on the first call; the same one after. */
  load(): Promise<TestProvider>;
  /** {@link runWorkflow} of the provider's `workflow` with `parameters`, its Kubernetes steps talking to `cluster`. */
  run(cluster: TestCluster, workflow: string, parameters: Record<string, unknown>): Promise<WorkflowRun>;
  /**
   * {@link runWorkflowToTimeout} of the provider's `workflow`: a workflow whose
   * wait must time out, on a fake clock moved by `advanceMs` once `when`
   * holds (the wait has observed what the test asserts).
   */
  runToTimeout(
    cluster: TestCluster,
    workflow: string,
    parameters: Record<string, unknown>,
    advanceMs: number,
    when: (events: readonly CapturedEvent[]) => boolean,
  ): Promise<WorkflowRun>;
}

/**
 * The provider in `dir` for one test file: what a provider's test harness
 * would otherwise write again (load it once, run its workflows).
 *
 * @param dir the provider folder, e.g. `new URL('..', import.meta.url)`.
 * @param options.steps step types besides the default (Kubernetes) ones, as for {@link loadProviderForTest}.
 * @example
 * const provider = providerForTests(new URL('..', import.meta.url));
 * const cluster = createMockCluster();
 * const run = await provider.run(cluster, 'provision-postgres', { db_name: 'orders' });
 */
export function providerForTests(dir: string | URL, options: { steps?: Iterable<StepDefinition> } = {}): ProviderForTests {
  let loaded: Promise<TestProvider> | undefined;
  const load = () => {
    loaded ??= loadProviderForTest(dir, options);
    return loaded;
  };
  return {
    load,
    run: async (cluster, workflow, parameters) => runWorkflow(await load(), workflow, { parameters, cluster }),
    runToTimeout: async (cluster, workflow, parameters, advanceMs, when) =>
      runWorkflowToTimeout(await load(), workflow, { parameters, cluster, advanceMs, when }),
  };
}
