import { afterEach } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FakeClock } from '@innominatus/core/testing';
import { moveOnProgress, type ProviderForTests, providerForTests, runWorkflow, type WorkflowRun } from '@innominatus/provider-sdk/testing';
import {
  closeClusters,
  createMockCluster,
  REDIS_API_VERSION,
  REDIS_KIND,
  redisOperator,
  type MockCluster,
  type RedisOperator,
  type RedisOperatorOptions,
} from '@innominatus/steps-kubernetes/testing';

/** The provider folder (providers/cache-team). */
export const PROVIDER_DIR = fileURLToPath(new URL('..', import.meta.url));
/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/** The Redis CustomResourceDefinition, as a user applies it. */
export const CRD_FILE = fileURLToPath(new URL('../crds/redis.redis.opstreelabs.in.yaml', import.meta.url));

/** The parameters most tests provision with. */
export const BASE = { cache_name: 'sessions', namespace: 'shop' } as const;

const provider = providerForTests(PROVIDER_DIR);

/** The provider, loaded and validated once per test file. */
export const cacheTeam = provider.load;

/** Runs one of the provider's workflows against the cluster ({@link ProviderForTests.run}). */
export const run = provider.run;

/** Runs a workflow whose wait must time out ({@link ProviderForTests.runToTimeout}). */
export const runToTimeout = provider.runToTimeout;

/** A mock cluster with the Redis CRD installed from its file and the operator simulator; `close()` it after the test. */
export function operatorCluster(options: RedisOperatorOptions = {}): { cluster: MockCluster; operator: RedisOperator } {
  const cluster = createMockCluster({ namespaces: ['default', 'shop'] });
  cluster.installCrds(readFileSync(CRD_FILE, 'utf8'));
  // The operator takes a change up at once (a test that needs the wait to
  // observe the StatefulSet as it was before a change runs it on a fake
  // clock, see runObserved); a rollout takes a moment.
  const operator = redisOperator(cluster, { pickupDelayMs: 0, rolloutDelayMs: 20, ...options });
  return { cluster, operator };
}

/** The operator's delays on a fake clock, one move of {@link runObserved} each. */
const OBSERVED_STEP_MS = 100;

/**
 * Options of {@link operatorCluster} for an operator on `clock` that moves
 * only as {@link runObserved} moves it: each pickup and rollout takes one move.
 */
export function observedOperator(clock: FakeClock): RedisOperatorOptions {
  return { clock, pickupDelayMs: OBSERVED_STEP_MS, rolloutDelayMs: OBSERVED_STEP_MS };
}

/**
 * Runs a workflow against an operator made with {@link observedOperator}:
 * the operator takes its next step only after wait-for-redis has reported
 * what it observed, so the wait sees the StatefulSet as it was before a
 * change first, however fast or slow the machine.
 */
export async function runObserved(cluster: MockCluster, clock: FakeClock, workflow: string, parameters: Record<string, unknown>): Promise<WorkflowRun> {
  const moves = moveOnProgress(clock, OBSERVED_STEP_MS, 'wait-for-redis');
  const r = await runWorkflow(await cacheTeam(), workflow, { parameters, cluster, onEvent: moves.onEvent });
  await moves.settled();
  return r;
}

/**
 * For one test file: a maker of operator clusters (as {@link operatorCluster}
 * makes them) that closes every cluster it made after each test.
 */
export function clustersClosedAfterEach(): (options?: RedisOperatorOptions) => ReturnType<typeof operatorCluster> {
  const made: MockCluster[] = [];
  // Every cluster is closed, also after one fails to; the hook then fails with every failure.
  afterEach(() => closeClusters(made.splice(0)));
  return (options = {}) => {
    const one = operatorCluster(options);
    made.push(one.cluster);
    return one;
  };
}

/** The Redis object as the API server stores it. */
export function redis(cluster: MockCluster, name: string, namespace = 'shop') {
  return cluster.get({ apiVersion: REDIS_API_VERSION, kind: REDIS_KIND, name, namespace });
}

/** A Secret's decoded `data.<key>` (in `shop` unless `namespace` says otherwise), or undefined when there is no such Secret. */
export function secretValue(cluster: MockCluster, name: string, key: string, namespace = 'shop'): string | undefined {
  return cluster.secretValue(namespace, name, key);
}
