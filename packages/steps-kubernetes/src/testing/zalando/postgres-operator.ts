import type { Clock } from '@innominatus/core';
import type { MockCluster } from '../mock-cluster';
import { operatorSimulator } from '../simulator/operator-simulator';
import { OPERATOR_MANAGER } from './children';
import { ZalandoLifecycle } from './cluster-lifecycle';
import { POSTGRES_VERSIONS_V2, postgresqlCrd } from './postgresql-crd';
import { POSTGRESQL_API_VERSION, POSTGRESQL_KIND } from './postgresql-kind';

export { POSTGRES_OPERATOR_FINALIZER } from './cluster-lifecycle';

/** How creating a cluster ends: `NeverReady` stays `Creating`; `CreateFailedThenRunning` is fixed by the next periodic sync. */
export type ZalandoCreateOutcome = 'Running' | 'CreateFailed' | 'Invalid' | 'NeverReady' | 'CreateFailedThenRunning';
/** How a spec or annotation change ends. */
export type ZalandoUpdateOutcome = 'Running' | 'UpdateFailed';

/** A scripted behaviour for one cluster name. */
export interface ZalandoScript {
  create?: ZalandoCreateOutcome;
  update?: ZalandoUpdateOutcome;
}

/** Options of {@link zalandoPostgresOperator}. Delays are milliseconds on `clock`. */
export interface ZalandoOperatorOptions {
  /** What the delays run on (default the system clock, whose setTimeout fake timers control). */
  clock?: Clock;
  /** From a change to the operator's first reaction (default 20). */
  pickupDelayMs?: number;
  /** From `Creating` to `Running`/`CreateFailed` (default 100); a function gets the cluster name. */
  createDelayMs?: number | ((clusterName: string) => number);
  /** From `Updating` to `Running`/`UpdateFailed` (default 50). */
  updateDelayMs?: number;
  /** The periodic resync (the operator's `resync_period`, default 30 minutes): it syncs every cluster, fixing `CreateFailedThenRunning` and `Invalid` ones. */
  syncDelayMs?: number;
  /** From the delete to the removal of the cluster's objects (default 50). */
  deleteDelayMs?: number;
  /** The CRD's `spec.postgresql.version` enum (default v2.0's "14".."18"; v1.15 accepts "13".."17"): others are a 422 from the API server. */
  acceptedVersions?: string[];
  /** The operator's `enable_team_id_clustername_prefix` (default false): a name without `<teamId>-` is `Invalid`. */
  enableTeamIdClusterPrefix?: boolean;
  /** The operator's `enable_finalizers` (default false): it adds `postgres-operator.acid.zalan.do` and removes it after cleanup. */
  enableFinalizers?: boolean;
  /** The operator's password rotation: manifest users' Secrets get `<role><YYMMDD>` as username and a `nextRotation`. */
  passwordRotation?: { now?: () => Date; intervalDays?: number };
  /** Scripted outcomes by cluster name (`metadata.name`). */
  scripts?: Record<string, ZalandoScript>;
}

/** One status the simulator wrote, for assertions on the order of transitions. */
export interface ZalandoTransition {
  namespace: string;
  name: string;
  status: string;
  /** Why, for failures (what the real operator writes to Events). */
  reason?: string;
}

/** A running simulator, from {@link zalandoPostgresOperator}. */
export interface ZalandoOperator {
  /** Scripts the outcome for a cluster name (before or after it is created). */
  script(clusterName: string, script: ZalandoScript): void;
  /**
   * Runs the periodic sync now for every cluster that is waiting for it (what the
   * `resync_period` timer does when it fires, e.g. fixing a `CreateFailedThenRunning`
   * cluster), so a test need not wait out `syncDelayMs`. Clusters still being
   * created, updated or deleted are left alone; a stopped operator syncs nothing.
   */
  resync(): void;
  /**
   * Holds the clusters of this name that are created from now on in `Creating` (their Services, Secrets and
   * StatefulSet made) until {@link ZalandoOperator.release}: a test sees the state in between for as long as it
   * needs, with no delay to wait out.
   */
  hold(clusterName: string): void;
  /** Ends a {@link ZalandoOperator.hold}: held clusters of this name go on, ending as scripted `createDelayMs` later. */
  release(clusterName: string): void;
  /** Every status written, in order. */
  readonly transitions: readonly ZalandoTransition[];
  /** What the operator logged (e.g. skipped databases), oldest first. */
  readonly logs: readonly string[];
  /** Stops reacting and cancels pending timers (also done by `cluster.close()`). */
  stop(): void;
}

/**
 * Simulates the Zalando postgres-operator (v2.0) on a mock cluster, as
 * docs/zalando-operator.md describes it: installs
 * its CRD (so the API server refuses what the real one refuses); a new
 * cluster has no status, then `Creating`; Services, then credentials
 * Secrets, PDB, StatefulSet, PVCs and Pods are created, then databases
 * (bad ones skipped with a log line), then `Running`. A bad role name is
 * `CreateFailed` (what was made stays), a spec the operator cannot unmarshal
 * `CreateFailed`/`UpdateFailed`/`SyncFailed`, each with a Warning Event. A
 * spec or annotation change goes `Updating` → `Running`. `Invalid` comes
 * only from the team-prefix rule, left alone until the periodic sync.
 * Deleting removes the cluster's objects asynchronously (after the
 * finalizer, when enabled).
 *
 * @example
 * const operator = zalandoPostgresOperator(cluster, { createDelayMs: 50, scripts: { 'team-bad-db': { create: 'CreateFailed' } } });
 */
export function zalandoPostgresOperator(cluster: MockCluster, options: ZalandoOperatorOptions = {}): ZalandoOperator {
  if (!cluster.store.findKind(POSTGRESQL_API_VERSION, POSTGRESQL_KIND)?.crd)
    cluster.installCrds(postgresqlCrd(options.acceptedVersions ?? POSTGRES_VERSIONS_V2));
  const lifecycle = new ZalandoLifecycle(cluster, options);
  const sim = operatorSimulator(cluster, {
    ...(options.clock && { clock: options.clock }),
    apiVersion: POSTGRESQL_API_VERSION,
    kind: POSTGRESQL_KIND,
    name: OPERATOR_MANAGER,
    added: (o) => lifecycle.added(o),
    modified: (o, previous) => lifecycle.modified(o, previous),
    deleted: (o) => lifecycle.deleted(o),
  });
  lifecycle.bind(sim.context);
  // A closed cluster stops the simulator; nothing is left for `resync` either.
  cluster.onClose(() => lifecycle.clear());
  return {
    script: (name, script) => lifecycle.script(name, script),
    resync: () => lifecycle.resync(),
    hold: (name) => lifecycle.held.hold(name),
    release: (name) => lifecycle.held.release(name),
    transitions: lifecycle.transitions,
    logs: lifecycle.logs,
    stop: () => {
      lifecycle.clear();
      sim.stop();
    },
  };
}
