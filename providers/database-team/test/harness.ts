import { afterEach } from 'vitest';
import { fileURLToPath } from 'node:url';
import type { FakeClock } from '@innominatus/core/testing';
import { moveOnProgress, type ProviderForTests, providerForTests, runWorkflow, type WorkflowRun } from '@innominatus/provider-sdk/testing';
import {
  closeClusters,
  createMockCluster,
  zalandoPostgresOperator,
  type MockCluster,
  type ZalandoOperator,
  type ZalandoOperatorOptions,
} from '@innominatus/steps-kubernetes/testing';

/** The provider folder (providers/database-team). */
export const PROVIDER_DIR = fileURLToPath(new URL('..', import.meta.url));
/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** The parameters most tests provision with. */
export const BASE = { db_name: 'myapp-db', namespace: 'production', team_id: 'team' } as const;

const provider = providerForTests(PROVIDER_DIR);

/** The provider, loaded and validated once per test file. */
export const databaseTeam = provider.load;

/** Runs one of the provider's workflows against the cluster ({@link ProviderForTests.run}). */
export const run = provider.run;

/** Runs a workflow whose wait must time out ({@link ProviderForTests.runToTimeout}). */
export const runToTimeout = provider.runToTimeout;

/** A mock cluster with the Zalando operator simulator; `close()` it after the test. */
export function operatorCluster(options: ZalandoOperatorOptions = {}): { cluster: MockCluster; operator: ZalandoOperator } {
  const cluster = createMockCluster({ namespaces: ['default', 'production'] });
  // The operator takes a change up at once (a test that needs the wait to
  // observe the status from before a change first runs it on a fake clock,
  // see runObserved); creating and updating take a moment.
  const operator = zalandoPostgresOperator(cluster, { pickupDelayMs: 0, createDelayMs: 20, updateDelayMs: 20, ...options });
  return { cluster, operator };
}

/** The operator's delays on a fake clock, one move of {@link runObserved} each. */
export const OBSERVED_STEP_MS = 100;

/**
 * Options of {@link operatorCluster} for an operator on `clock` that moves
 * only as {@link runObserved} moves it: each pickup, create and update takes one move.
 */
export function observedOperator(clock: FakeClock): ZalandoOperatorOptions {
  return { clock, pickupDelayMs: OBSERVED_STEP_MS, createDelayMs: OBSERVED_STEP_MS, updateDelayMs: OBSERVED_STEP_MS };
}

/**
 * Runs a workflow against an operator made with {@link observedOperator}:
 * the operator takes its next step only after wait-for-database has reported
 * what it observed, so the wait sees the status from before a change first,
 * however fast or slow the machine.
 */
export async function runObserved(cluster: MockCluster, clock: FakeClock, workflow: string, parameters: Record<string, unknown>): Promise<WorkflowRun> {
  const moves = moveOnProgress(clock, OBSERVED_STEP_MS, 'wait-for-database');
  const r = await runWorkflow(await databaseTeam(), workflow, { parameters, cluster, onEvent: moves.onEvent });
  await moves.settled();
  return r;
}

/**
 * For one test file: a maker of operator clusters (as {@link operatorCluster}
 * makes them) that closes every cluster it made after each test.
 */
export function clustersClosedAfterEach(): (options?: ZalandoOperatorOptions) => ReturnType<typeof operatorCluster> {
  const made: MockCluster[] = [];
  // Every cluster is closed, also after one fails to; the hook then fails with every failure.
  afterEach(() => closeClusters(made.splice(0)));
  return (options = {}) => {
    const one = operatorCluster(options);
    made.push(one.cluster);
    return one;
  };
}

/** The `postgresql` object as the API server stores it. */
export function postgresql(cluster: MockCluster, name: string, namespace = 'production') {
  return cluster.get({ apiVersion: 'acid.zalan.do/v1', kind: 'postgresql', name, namespace });
}

/** A Secret's decoded `data.<key>` (in `production` unless `namespace` says otherwise), or undefined when there is no such Secret. */
export function secretValue(cluster: MockCluster, name: string, key: string, namespace = 'production'): string | undefined {
  return cluster.secretValue(namespace, name, key);
}
