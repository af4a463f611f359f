import type { Clock } from '@innominatus/core';
import type { MockCluster } from '../mock-cluster';
import { operatorSimulator, type SimulatorContext } from '../simulator/operator-simulator';
import type { MockObject } from '../types';
import { ensurePoolers, ensureSecrets, ensureServices, ensureWorkload, markReady, OPERATOR_MANAGER, removeChildren, type CredentialOptions } from './children';
import { POSTGRES_VERSIONS_V2, postgresqlCrd } from './postgresql-crd';
import { POSTGRESQL_API_VERSION, POSTGRESQL_KIND } from './postgresql-kind';
import { badRoleName, databasesToCreate, teamPrefixProblem, unmarshalProblem } from './spec-checks';
import { HeldCreates } from './held-creates';

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

/** The finalizer the operator adds with `enable_finalizers`. */
export const POSTGRES_OPERATOR_FINALIZER = 'postgres-operator.acid.zalan.do';
const statusOf = (o: MockObject | undefined) => (o?.status as { PostgresClusterStatus?: string } | undefined)?.PostgresClusterStatus;

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
  const pickup = options.pickupDelayMs ?? 20;
  const createDelay = (name: string) => (typeof options.createDelayMs === 'function' ? options.createDelayMs(name) : (options.createDelayMs ?? 100));
  const updateDelay = options.updateDelayMs ?? 50;
  const syncPeriod = options.syncDelayMs ?? 30 * 60_000;
  const deleteDelay = options.deleteDelayMs ?? 50;
  const scripts = new Map(Object.entries(options.scripts ?? {}));
  const credentials: CredentialOptions = options.passwordRotation
    ? { rotation: { now: options.passwordRotation.now ?? (() => new Date()), intervalDays: options.passwordRotation.intervalDays ?? 90 } }
    : {};
  const transitions: ZalandoTransition[] = [];
  const logs: string[] = [];
  if (!cluster.store.findKind(POSTGRESQL_API_VERSION, POSTGRESQL_KIND)?.crd)
    cluster.installCrds(postgresqlCrd(options.acceptedVersions ?? POSTGRES_VERSIONS_V2));

  let ctx!: SimulatorContext;
  /** The cluster as stored now (not a copy: what the operator does with it only reads it), or undefined once deleted. */
  const stored = (o: MockObject): MockObject | undefined =>
    cluster.store.getStored(cluster.store.requireKind(POSTGRESQL_API_VERSION, POSTGRESQL_KIND), o.metadata.namespace, o.metadata.name);
  const setStatus = (o: MockObject, status: string, reason?: string, eventReason?: string) => {
    if (!stored(o)) return;
    ctx.setStatus(o, { PostgresClusterStatus: status });
    transitions.push({ namespace: o.metadata.namespace ?? '', name: o.metadata.name, status, ...(reason ? { reason } : {}) });
    if (reason && eventReason) ctx.event(o, { type: 'Warning', reason: eventReason, message: reason });
  };
  const later = (o: MockObject, ms: number, fn: (now: MockObject) => void) =>
    ctx.after(o, ms, () => {
      const now = stored(o);
      if (now && !now.metadata.deletionTimestamp) fn(now);
    });
  // The clusters whose only pending work is the periodic sync, by namespace/name: what `resync` runs at once.
  const awaitingSync = new Map<string, MockObject>();
  const keyOf = (o: MockObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  const syncNow = (o: MockObject) => {
    awaitingSync.delete(keyOf(o));
    const now = ctx.current(o);
    if (now && !now.metadata.deletionTimestamp) sync(now);
  };
  const scheduleSync = (o: MockObject) => {
    awaitingSync.set(keyOf(o), o);
    ctx.after(o, syncPeriod, () => syncNow(o));
  };
  const held = new HeldCreates();
  /** Cancels the object's pending work, its periodic sync and a held create included. */
  const cancel = (o: MockObject) => {
    awaitingSync.delete(keyOf(o));
    held.forget(keyOf(o));
    ctx.cancel(o);
  };

  /** Services → users → Secrets → PDB → StatefulSet; false (and CreateFailed/UpdateFailed/SyncFailed) when a role name is refused. */
  function makeResources(o: MockObject, failure: string, eventReason: string): boolean {
    ensureServices(cluster, o);
    const bad = badRoleName(o);
    if (bad) {
      setStatus(
        o,
        failure,
        `could not ${eventReason === 'Create' ? 'create' : eventReason === 'Update' ? 'update' : 'sync'} cluster: invalid username: "${bad}"`,
        eventReason,
      );
      return false;
    }
    ensureSecrets(cluster, o, credentials);
    ensureWorkload(cluster, o);
    ensurePoolers(cluster, o);
    return true;
  }

  function createDatabases(o: MockObject): void {
    for (const line of databasesToCreate(o).skipped) logs.push(`${o.metadata.namespace}/${o.metadata.name}: ${line}`);
  }

  function create(o: MockObject): void {
    later(o, pickup, (obj) => {
      const script = scripts.get(obj.metadata.name)?.create ?? 'Running';
      const unparsable = unmarshalProblem(obj);
      if (unparsable) return setStatus(obj, 'CreateFailed', unparsable, 'Create');
      const invalid = options.enableTeamIdClusterPrefix ? teamPrefixProblem(obj) : script === 'Invalid' ? 'scripted Invalid' : undefined;
      if (invalid) {
        setStatus(obj, 'Invalid', invalid);
        return scheduleSync(obj);
      }
      if (options.enableFinalizers && !obj.metadata.finalizers?.includes(POSTGRES_OPERATOR_FINALIZER)) {
        cluster.store.patch(
          cluster.store.requireKind(POSTGRESQL_API_VERSION, POSTGRESQL_KIND),
          obj.metadata.namespace,
          obj.metadata.name,
          'merge',
          { metadata: { finalizers: [...(obj.metadata.finalizers ?? []), POSTGRES_OPERATOR_FINALIZER] } },
          ctx.writeOptions,
        );
      }
      setStatus(obj, 'Creating');
      ctx.event(obj, { type: 'Normal', reason: 'Create', message: 'Started creation of new cluster resources' });
      if (!makeResources(obj, 'CreateFailed', 'Create')) return scheduleSync(obj);
      held.goOrWait(keyOf(obj), obj.metadata.name, () => finishCreate(obj, script));
    });
  }

  /** `createDelayMs` after `Creating`: the cluster ends as scripted. */
  function finishCreate(o: MockObject, script: ZalandoCreateOutcome): void {
    later(o, createDelay(o.metadata.name), (now) => {
      if (script === 'NeverReady') return;
      markReady(cluster, now);
      createDatabases(now);
      if (script === 'CreateFailed' || script === 'CreateFailedThenRunning')
        setStatus(now, 'CreateFailed', 'could not create cluster: scripted failure', 'Create');
      else {
        setStatus(now, 'Running');
        ctx.event(now, { type: 'Normal', reason: 'Create', message: `Created cluster ${now.metadata.namespace}/${now.metadata.name}` });
      }
      scheduleSync(now);
    });
  }

  function update(o: MockObject): void {
    cancel(o);
    later(o, pickup, (obj) => {
      const unparsable = unmarshalProblem(obj);
      if (unparsable) return setStatus(obj, 'UpdateFailed', unparsable, 'Update');
      setStatus(obj, 'Updating');
      ctx.event(obj, { type: 'Normal', reason: 'Update', message: 'Started update of cluster resources' });
      if (!makeResources(obj, 'UpdateFailed', 'Update')) return scheduleSync(obj);
      later(obj, updateDelay, (now) => {
        markReady(cluster, now);
        createDatabases(now);
        if (scripts.get(now.metadata.name)?.update === 'UpdateFailed') setStatus(now, 'UpdateFailed', 'could not update cluster: scripted failure', 'Update');
        else {
          setStatus(now, 'Running');
          ctx.event(now, { type: 'Normal', reason: 'Update', message: 'Cluster update has been completed' });
        }
        scheduleSync(now);
      });
    });
  }

  /** The periodic sync: never `Creating`; makes what is missing and ends `Running` or `SyncFailed`. */
  function sync(o: MockObject): void {
    const status = statusOf(o);
    const script = scripts.get(o.metadata.name) ?? {};
    const fixes =
      status === 'Invalid' ||
      (status === 'CreateFailed' && script.create === 'CreateFailedThenRunning') ||
      (status === 'CreateFailed' && !unmarshalProblem(o) && !badRoleName(o) && script.create !== 'CreateFailed');
    if (!fixes) {
      scheduleSync(o);
      return;
    }
    const unparsable = unmarshalProblem(o);
    if (unparsable) {
      setStatus(o, 'SyncFailed', unparsable, 'Sync');
      return;
    }
    if (!makeResources(o, 'SyncFailed', 'Sync')) {
      scheduleSync(o);
      return;
    }
    markReady(cluster, o);
    createDatabases(o);
    setStatus(o, 'Running');
    scheduleSync(o);
  }

  function deleteLater(o: MockObject): void {
    ctx.after(o, deleteDelay, () => {
      removeChildren(cluster, o.metadata.namespace!, o.metadata.name);
      const now = ctx.current(o);
      // Only an operator configured with enable_finalizers removes its finalizer.
      if (options.enableFinalizers && now?.metadata.finalizers?.includes(POSTGRES_OPERATOR_FINALIZER)) {
        const rest = now.metadata.finalizers.filter((f) => f !== POSTGRES_OPERATOR_FINALIZER);
        cluster.store.patch(
          cluster.store.requireKind(POSTGRESQL_API_VERSION, POSTGRESQL_KIND),
          o.metadata.namespace,
          o.metadata.name,
          'merge',
          { metadata: { finalizers: rest.length ? rest : null } },
          ctx.writeOptions,
        );
      }
    });
  }

  const sim = operatorSimulator(cluster, {
    ...(options.clock && { clock: options.clock }),
    apiVersion: POSTGRESQL_API_VERSION,
    kind: POSTGRESQL_KIND,
    name: OPERATOR_MANAGER,
    added: (o) => (statusOf(o) === undefined ? create(o) : scheduleSync(o)),
    modified: (o, previous) => {
      if (o.metadata.deletionTimestamp) {
        if (!previous.metadata.deletionTimestamp) {
          cancel(o);
          ctx.event(o, { type: 'Normal', reason: 'Delete', message: 'Started deletion of cluster resources' });
          deleteLater(o);
        }
        return;
      }
      const specChanged = previous.metadata.generation !== o.metadata.generation;
      const annotationsChanged = JSON.stringify(previous.metadata.annotations ?? {}) !== JSON.stringify(o.metadata.annotations ?? {});
      if (!specChanged && !annotationsChanged) return;
      const status = statusOf(o);
      if (status === 'Invalid') return; // left alone until the periodic sync
      if (status === undefined) return create(o);
      update(o);
    },
    deleted: (o) => {
      awaitingSync.delete(keyOf(o));
      held.forget(keyOf(o));
      if (!(options.enableFinalizers && o.metadata.finalizers?.includes(POSTGRES_OPERATOR_FINALIZER))) deleteLater(o);
    },
  });
  ctx = sim.context;
  // A closed cluster stops the simulator; nothing is left for `resync` either.
  cluster.onClose(() => {
    awaitingSync.clear();
    held.clear();
  });
  return {
    script: (name, script) => void scripts.set(name, { ...scripts.get(name), ...script }),
    resync: () => {
      for (const o of [...awaitingSync.values()]) {
        ctx.cancel(o);
        syncNow(o);
      }
    },
    hold: (name) => held.hold(name),
    release: (name) => held.release(name),
    transitions,
    logs,
    stop: () => {
      awaitingSync.clear();
      held.clear();
      sim.stop();
    },
  };
}
