import { afterEach } from 'vitest';
import { fileURLToPath } from 'node:url';
import { type ProviderForTests, providerForTests } from '@innominatus/provider-sdk/testing';
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
  // A pickup delay like a real operator's (which takes far longer), so tests
  // see the stale status after a change; update-postgres does not rely on it
  // (update-delete.test.ts also runs it with no delay).
  const operator = zalandoPostgresOperator(cluster, { pickupDelayMs: 150, createDelayMs: 20, updateDelayMs: 20, ...options });
  return { cluster, operator };
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
