import { withFinalizer, withoutFinalizer } from '../finalizers';
import type { MockCluster } from '../mock-cluster';
import type { SimulatorContext } from '../simulator/operator-simulator';
import type { MockObject } from '../types';
import { ensurePoolers, ensureSecrets, ensureServices, ensureWorkload, markReady, removeChildren, type CredentialOptions } from './children';
import { HeldCreates } from './held-creates';
import type { ZalandoCreateOutcome, ZalandoOperatorOptions, ZalandoScript, ZalandoTransition } from './postgres-operator';
import { POSTGRESQL_API_VERSION, POSTGRESQL_KIND } from './postgresql-kind';
import { badRoleName, databasesToCreate, teamPrefixProblem, unmarshalProblem } from './spec-checks';

/** The finalizer the operator adds with `enable_finalizers`. */
export const POSTGRES_OPERATOR_FINALIZER = 'postgres-operator.acid.zalan.do';

const statusOf = (o: MockObject | undefined) => (o?.status as { PostgresClusterStatus?: string } | undefined)?.PostgresClusterStatus;
const keyOf = (o: MockObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const VERB: Record<string, string> = { Create: 'create', Update: 'update', Sync: 'sync' };

/**
 * What the simulated Zalando operator does with each `postgresql` it watches
 * (see `zalandoPostgresOperator`): creating, updating, the periodic sync
 * and deleting, with the statuses, Events and child objects of each, and what
 * it keeps between them (scripts, holds, the clusters awaiting their sync).
 * It acts through the simulator's context, bound once the simulator runs.
 */
export class ZalandoLifecycle {
  /** Every status written, in order. */
  readonly transitions: ZalandoTransition[] = [];
  /** What the operator logged, oldest first. */
  readonly logs: string[] = [];
  /** The holds of `operator.hold(name)`. */
  readonly held = new HeldCreates();
  readonly #cluster: MockCluster;
  readonly #options: ZalandoOperatorOptions;
  readonly #scripts: Map<string, ZalandoScript>;
  readonly #credentials: CredentialOptions;
  // The clusters whose only pending work is the periodic sync, by namespace/name: what `resync` runs at once.
  readonly #awaitingSync = new Map<string, MockObject>();
  #ctx!: SimulatorContext;

  constructor(cluster: MockCluster, options: ZalandoOperatorOptions) {
    this.#cluster = cluster;
    this.#options = { ...options };
    this.#scripts = new Map(Object.entries(options.scripts ?? {}));
    const rotation = options.passwordRotation;
    this.#credentials = rotation ? { rotation: { now: rotation.now ?? (() => new Date()), intervalDays: rotation.intervalDays ?? 90 } } : {};
  }

  /** Binds the simulator's context, which every later action goes through. */
  bind(ctx: SimulatorContext): void {
    this.#ctx = ctx;
  }

  /** Merges a script into the one kept for a cluster name. */
  script(name: string, script: ZalandoScript): void {
    this.#scripts.set(name, { ...this.#scripts.get(name), ...script });
  }

  /** A watched object appeared: a new cluster is created; one with a status (there before the operator) awaits its sync. */
  added(o: MockObject): void {
    if (statusOf(o) === undefined) this.#create(o);
    else this.#scheduleSync(o);
  }

  /** A watched object changed: a deletion starts, a spec or annotation change is an update (or the create of a cluster not yet picked up). */
  modified(o: MockObject, previous: MockObject): void {
    if (o.metadata.deletionTimestamp) {
      if (!previous.metadata.deletionTimestamp) {
        this.#cancel(o);
        this.#ctx.event(o, { type: 'Normal', reason: 'Delete', message: 'Started deletion of cluster resources' });
        this.#deleteLater(o);
      }
      return;
    }
    const specChanged = previous.metadata.generation !== o.metadata.generation;
    const annotationsChanged = JSON.stringify(previous.metadata.annotations ?? {}) !== JSON.stringify(o.metadata.annotations ?? {});
    if (!specChanged && !annotationsChanged) return;
    const status = statusOf(o);
    if (status === 'Invalid') return; // left alone until the periodic sync
    if (status === undefined) this.#create(o);
    else this.#update(o);
  }

  /** A watched object is gone from the API: its objects are removed (at once when the finalizer held it until then). */
  deleted(o: MockObject): void {
    this.#awaitingSync.delete(keyOf(o));
    this.held.forget(keyOf(o));
    if (!(this.#options.enableFinalizers && o.metadata.finalizers?.includes(POSTGRES_OPERATOR_FINALIZER))) this.#deleteLater(o);
  }

  /** Runs the periodic sync now for every cluster awaiting it. */
  resync(): void {
    for (const o of [...this.#awaitingSync.values()]) {
      this.#ctx.cancel(o);
      this.#syncNow(o);
    }
  }

  /** Forgets the pending syncs and held creates (the operator stopped, or its cluster closed). */
  clear(): void {
    this.#awaitingSync.clear();
    this.held.clear();
  }

  #create(o: MockObject): void {
    this.#later(o, this.#options.pickupDelayMs ?? 20, (obj) => {
      const script = this.#scripts.get(obj.metadata.name)?.create ?? 'Running';
      const unparsable = unmarshalProblem(obj);
      if (unparsable) return this.#setStatus(obj, 'CreateFailed', unparsable, 'Create');
      const invalid = this.#options.enableTeamIdClusterPrefix ? teamPrefixProblem(obj) : script === 'Invalid' ? 'scripted Invalid' : undefined;
      if (invalid) {
        this.#setStatus(obj, 'Invalid', invalid);
        return this.#scheduleSync(obj);
      }
      if (this.#options.enableFinalizers && !obj.metadata.finalizers?.includes(POSTGRES_OPERATOR_FINALIZER))
        this.#patchFinalizers(obj, withFinalizer(obj, POSTGRES_OPERATOR_FINALIZER));
      this.#setStatus(obj, 'Creating');
      this.#ctx.event(obj, { type: 'Normal', reason: 'Create', message: 'Started creation of new cluster resources' });
      if (!this.#makeResources(obj, 'CreateFailed', 'Create')) return this.#scheduleSync(obj);
      this.held.goOrWait(keyOf(obj), obj.metadata.name, () => this.#finishCreate(obj, script));
    });
  }

  /** `createDelayMs` after `Creating`: the cluster ends as scripted. */
  #finishCreate(o: MockObject, script: ZalandoCreateOutcome): void {
    const delay = this.#options.createDelayMs;
    this.#later(o, typeof delay === 'function' ? delay(o.metadata.name) : (delay ?? 100), (now) => {
      if (script === 'NeverReady') return;
      this.#ready(now);
      if (script === 'CreateFailed' || script === 'CreateFailedThenRunning')
        this.#setStatus(now, 'CreateFailed', 'could not create cluster: scripted failure', 'Create');
      else {
        this.#setStatus(now, 'Running');
        this.#ctx.event(now, { type: 'Normal', reason: 'Create', message: `Created cluster ${now.metadata.namespace}/${now.metadata.name}` });
      }
      this.#scheduleSync(now);
    });
  }

  #update(o: MockObject): void {
    this.#cancel(o);
    this.#later(o, this.#options.pickupDelayMs ?? 20, (obj) => {
      const unparsable = unmarshalProblem(obj);
      if (unparsable) return this.#setStatus(obj, 'UpdateFailed', unparsable, 'Update');
      this.#setStatus(obj, 'Updating');
      this.#ctx.event(obj, { type: 'Normal', reason: 'Update', message: 'Started update of cluster resources' });
      if (!this.#makeResources(obj, 'UpdateFailed', 'Update')) return this.#scheduleSync(obj);
      this.#later(obj, this.#options.updateDelayMs ?? 50, (now) => {
        this.#ready(now);
        if (this.#scripts.get(now.metadata.name)?.update === 'UpdateFailed')
          this.#setStatus(now, 'UpdateFailed', 'could not update cluster: scripted failure', 'Update');
        else {
          this.#setStatus(now, 'Running');
          this.#ctx.event(now, { type: 'Normal', reason: 'Update', message: 'Cluster update has been completed' });
        }
        this.#scheduleSync(now);
      });
    });
  }

  /** The periodic sync: never `Creating`; makes what is missing and ends `Running` or `SyncFailed`. */
  #sync(o: MockObject): void {
    const status = statusOf(o);
    const script = this.#scripts.get(o.metadata.name) ?? {};
    const fixes =
      status === 'Invalid' ||
      (status === 'CreateFailed' && script.create === 'CreateFailedThenRunning') ||
      (status === 'CreateFailed' && !unmarshalProblem(o) && !badRoleName(o) && script.create !== 'CreateFailed');
    const unparsable = fixes && unmarshalProblem(o);
    if (unparsable) this.#setStatus(o, 'SyncFailed', unparsable, 'Sync');
    else if (fixes && this.#makeResources(o, 'SyncFailed', 'Sync')) {
      this.#ready(o);
      this.#setStatus(o, 'Running');
      this.#scheduleSync(o);
    } else this.#scheduleSync(o);
  }

  #deleteLater(o: MockObject): void {
    this.#ctx.after(o, this.#options.deleteDelayMs ?? 50, () => {
      removeChildren(this.#cluster, o.metadata.namespace!, o.metadata.name);
      const now = this.#ctx.current(o);
      // Only an operator configured with enable_finalizers removes its finalizer.
      if (this.#options.enableFinalizers && now?.metadata.finalizers?.includes(POSTGRES_OPERATOR_FINALIZER))
        this.#patchFinalizers(o, withoutFinalizer(now, POSTGRES_OPERATOR_FINALIZER));
    });
  }

  /** Services → users → Secrets → PDB → StatefulSet; false (and CreateFailed/UpdateFailed/SyncFailed) when a role name is refused. */
  #makeResources(o: MockObject, failure: string, eventReason: string): boolean {
    ensureServices(this.#cluster, o);
    const bad = badRoleName(o);
    if (bad) {
      this.#setStatus(o, failure, `could not ${VERB[eventReason]} cluster: invalid username: "${bad}"`, eventReason);
      return false;
    }
    ensureSecrets(this.#cluster, o, this.#credentials);
    ensureWorkload(this.#cluster, o);
    ensurePoolers(this.#cluster, o);
    return true;
  }

  /** The cluster's pods ready and its databases made (bad ones skipped with a log line). */
  #ready(o: MockObject): void {
    markReady(this.#cluster, o);
    for (const line of databasesToCreate(o).skipped) this.logs.push(`${o.metadata.namespace}/${o.metadata.name}: ${line}`);
  }

  /** The cluster as stored now (not a copy: what the operator does with it only reads it), or undefined once deleted. */
  #stored(o: MockObject): MockObject | undefined {
    return this.#cluster.store.getStored(this.#cluster.store.requireKind(POSTGRESQL_API_VERSION, POSTGRESQL_KIND), o.metadata.namespace, o.metadata.name);
  }

  #setStatus(o: MockObject, status: string, reason?: string, eventReason?: string): void {
    if (!this.#stored(o)) return;
    this.#ctx.setStatus(o, { PostgresClusterStatus: status });
    this.transitions.push({ namespace: o.metadata.namespace ?? '', name: o.metadata.name, status, ...(reason ? { reason } : {}) });
    if (reason && eventReason) this.#ctx.event(o, { type: 'Warning', reason: eventReason, message: reason });
  }

  #patchFinalizers(o: MockObject, finalizers: string[] | null): void {
    const kind = this.#cluster.store.requireKind(POSTGRESQL_API_VERSION, POSTGRESQL_KIND);
    this.#cluster.store.patch(kind, o.metadata.namespace, o.metadata.name, 'merge', { metadata: { finalizers } }, this.#ctx.writeOptions);
  }

  /** Runs `fn` with the cluster as stored `ms` later, unless it is gone or being deleted by then. */
  #later(o: MockObject, ms: number, fn: (now: MockObject) => void): void {
    this.#ctx.after(o, ms, () => {
      const now = this.#stored(o);
      if (now && !now.metadata.deletionTimestamp) fn(now);
    });
  }

  #syncNow(o: MockObject): void {
    this.#awaitingSync.delete(keyOf(o));
    const now = this.#ctx.current(o);
    if (now && !now.metadata.deletionTimestamp) this.#sync(now);
  }

  #scheduleSync(o: MockObject): void {
    this.#awaitingSync.set(keyOf(o), o);
    this.#ctx.after(o, this.#options.syncDelayMs ?? 30 * 60_000, () => this.#syncNow(o));
  }

  /** Cancels the object's pending work, its periodic sync and a held create included. */
  #cancel(o: MockObject): void {
    this.#awaitingSync.delete(keyOf(o));
    this.held.forget(keyOf(o));
    this.#ctx.cancel(o);
  }
}
