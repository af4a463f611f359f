import type { MockCluster } from '../mock-cluster';
import type { MockObject, StoreEvent } from '../types';
import { credentialsSecretName, generatePassword, ROLE_NAME } from './credentials';
import { POSTGRESQL_API_VERSION, POSTGRESQL_KIND, POSTGRESQL_KIND_SPEC } from './postgresql-kind';

/** How creating a cluster ends: `NeverReady` stays `Creating`; `CreateFailedThenRunning` is fixed by the next periodic sync. */
export type ZalandoCreateOutcome = 'Running' | 'CreateFailed' | 'Invalid' | 'NeverReady' | 'CreateFailedThenRunning';
/** How a spec change ends. */
export type ZalandoUpdateOutcome = 'Running' | 'UpdateFailed';

/** A scripted behaviour for one cluster name. */
export interface ZalandoScript {
  create?: ZalandoCreateOutcome;
  update?: ZalandoUpdateOutcome;
}

/** Options of {@link zalandoPostgresOperator}. Delays are milliseconds (setTimeout, so fake timers work). */
export interface ZalandoOperatorOptions {
  /** From creation to the first status, `Creating` (default 20). */
  pickupDelayMs?: number;
  /**
   * From `Creating` to `Running`/`CreateFailed` (default 100); a function gets
   * the cluster name, so each cluster can take its own time (e.g. random).
   */
  createDelayMs?: number | ((clusterName: string) => number);
  /** From `Updating` to `Running`/`UpdateFailed` (default 50). */
  updateDelayMs?: number;
  /** From `CreateFailed` to the sync that makes it `Running`, for `CreateFailedThenRunning` (default 300). */
  syncDelayMs?: number;
  /** Accepted `spec.postgresql.version` values (default v2.0's "14".."18"; v1.15 accepts "13".."17"). Others give `Invalid`. */
  acceptedVersions?: string[];
  /** The operator's `enable_team_id_clustername_prefix` (default false). */
  enableTeamIdClusterPrefix?: boolean;
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
  /** Every status written, in order. */
  readonly transitions: readonly ZalandoTransition[];
  /** Stops reacting and cancels pending timers (also done by `cluster.close()`). */
  stop(): void;
}

interface Tracked {
  timers: Set<NodeJS.Timeout>;
}

const key = (ns: string | undefined, name: string) => `${ns ?? ''}/${name}`;

/**
 * Simulates the Zalando postgres-operator (v2.0) on a mock cluster, as
 * docs/zalando-operator.md describes it: registers the `postgresql` CRD; a new cluster has no status,
 * then `Creating` (Services, then credentials Secrets are created), then
 * `Running`; a spec change goes `Updating` → `Running`; deleting the cluster
 * removes its Secrets and Services. Failures are scriptable per cluster name.
 *
 * @example
 * const cluster = createMockCluster();
 * const operator = zalandoPostgresOperator(cluster, { createDelayMs: 50, scripts: { 'team-bad-db': { create: 'CreateFailed' } } });
 */
export function zalandoPostgresOperator(cluster: MockCluster, options: ZalandoOperatorOptions = {}): ZalandoOperator {
  const pickup = options.pickupDelayMs ?? 20;
  const createDelayOption = options.createDelayMs ?? 100;
  const createDelay = (name: string): number => (typeof createDelayOption === 'function' ? createDelayOption(name) : createDelayOption);
  const updateDelay = options.updateDelayMs ?? 50;
  const syncDelay = options.syncDelayMs ?? 300;
  const versions = new Set(options.acceptedVersions ?? ['14', '15', '16', '17', '18']);
  const scripts = new Map(Object.entries(options.scripts ?? {}));
  const tracked = new Map<string, Tracked>();
  const transitions: ZalandoTransition[] = [];
  let stopped = false;

  const kind = cluster.store.findKind(POSTGRESQL_API_VERSION, POSTGRESQL_KIND) ?? cluster.registerKind(POSTGRESQL_KIND_SPEC);

  const later = (o: MockObject, ms: number, fn: () => void) => {
    const t = tracked.get(key(o.metadata.namespace, o.metadata.name));
    if (!t) return;
    const timer = setTimeout(() => {
      t.timers.delete(timer);
      if (!stopped && current(o)) fn();
    }, ms);
    t.timers.add(timer);
  };
  const current = (o: MockObject) => cluster.store.get(kind, o.metadata.namespace, o.metadata.name);
  const setStatus = (o: MockObject, status: string, reason?: string) => {
    const now = current(o);
    if (!now) return;
    cluster.store.setStatus(kind, o.metadata.namespace, o.metadata.name, { PostgresClusterStatus: status });
    transitions.push({ namespace: o.metadata.namespace ?? '', name: o.metadata.name, status, ...(reason ? { reason } : {}) });
  };
  const statusOf = (o: MockObject | undefined) => (o?.status as { PostgresClusterStatus?: string } | undefined)?.PostgresClusterStatus;

  function create(o: MockObject): void {
    later(o, pickup, () => {
      const obj = current(o)!;
      const invalid = invalidReason(obj);
      const script = scripts.get(obj.metadata.name)?.create ?? 'Running';
      if (invalid || script === 'Invalid') return setStatus(obj, 'Invalid', invalid ?? 'scripted Invalid');
      setStatus(obj, 'Creating');
      const badRole = roleProblem(obj);
      if (!badRole) syncChildren(obj);
      later(obj, createDelay(obj.metadata.name), () => {
        const now = current(obj)!;
        if (badRole) return setStatus(now, 'CreateFailed', badRole);
        switch (script) {
          case 'NeverReady':
            return;
          case 'CreateFailed':
            return setStatus(now, 'CreateFailed', 'scripted CreateFailed');
          case 'CreateFailedThenRunning':
            setStatus(now, 'CreateFailed', 'scripted CreateFailed (fixed by the next sync)');
            return later(now, syncDelay, () => setStatus(current(now)!, 'Running'));
          default:
            return setStatus(now, 'Running');
        }
      });
    });
  }

  function update(o: MockObject): void {
    later(o, pickup, () => {
      const obj = current(o)!;
      const invalid = invalidReason(obj);
      if (invalid) return setStatus(obj, 'Invalid', invalid);
      setStatus(obj, 'Updating');
      const badRole = roleProblem(obj);
      if (!badRole) syncChildren(obj);
      later(obj, updateDelay, () => {
        const now = current(obj)!;
        if (badRole) return setStatus(now, 'UpdateFailed', badRole);
        if (scripts.get(now.metadata.name)?.update === 'UpdateFailed') return setStatus(now, 'UpdateFailed', 'scripted UpdateFailed');
        setStatus(now, 'Running');
      });
    });
  }

  function invalidReason(o: MockObject): string | undefined {
    const spec = o.spec as Record<string, any>;
    if (!versions.has(spec.postgresql.version)) return `unsupported PostgreSQL version "${spec.postgresql.version}" (accepted: ${[...versions].join(', ')})`;
    if (options.enableTeamIdClusterPrefix) {
      const name = o.metadata.name;
      const prefix = `${String(spec.teamId).toLowerCase()}-`;
      if (!name.startsWith(prefix)) return `cluster name "${name}" must start with "${prefix}"`;
      if (name.length > 58) return `cluster name "${name}" is longer than 58 characters`;
      if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name)) return `cluster name "${name}" must match ^[a-z]([-a-z0-9]*[a-z0-9])?$`;
    }
    return undefined;
  }

  function roleProblem(o: MockObject): string | undefined {
    const spec = o.spec as Record<string, any>;
    const users = Object.keys(spec.users ?? {});
    const bad = users.find((u) => !ROLE_NAME.test(u));
    if (bad) return `invalid username: "${bad}"`;
    for (const [db, owner] of Object.entries(spec.databases ?? {})) {
      if (!users.includes(String(owner))) return `database "${db}" has owner "${String(owner)}" that is not in spec.users`;
    }
    return undefined;
  }

  function syncChildren(o: MockObject): void {
    const spec = o.spec as Record<string, any>;
    const ns = o.metadata.namespace!;
    const name = o.metadata.name;
    const labels = { application: 'spilo', 'cluster-name': name, team: String(spec.teamId) };
    for (const [svc, role] of [[name, 'master'], [`${name}-repl`, 'replica']] as const) {
      cluster.store.apply(cluster.store.requireKind('v1', 'Service'), {
        apiVersion: 'v1', kind: 'Service',
        metadata: { name: svc, namespace: ns, labels: { ...labels, 'spilo-role': role } },
        spec: { type: 'ClusterIP', ports: [{ name: 'postgresql', port: 5432, targetPort: 5432, protocol: 'TCP' }], ...(role === 'replica' ? { selector: { ...labels, 'spilo-role': role } } : {}) },
      });
    }
    const secretKind = cluster.store.requireKind('v1', 'Secret');
    const roles = ['postgres', 'standby', ...Object.entries(spec.users ?? {})
      .filter(([, flags]) => !(Array.isArray(flags) && flags.some((f) => String(f).toLowerCase() === 'nologin')))
      .map(([role]) => role)];
    for (const role of roles) {
      const secretName = credentialsSecretName(role, name);
      if (cluster.store.get(secretKind, ns, secretName)) continue;
      cluster.store.create(secretKind, {
        apiVersion: 'v1', kind: 'Secret', type: 'Opaque',
        metadata: { name: secretName, namespace: ns, labels },
        data: { username: Buffer.from(role).toString('base64'), password: Buffer.from(generatePassword()).toString('base64') },
      });
    }
  }

  function removeChildren(o: MockObject): void {
    const ns = o.metadata.namespace!;
    const name = o.metadata.name;
    for (const k of [cluster.store.requireKind('v1', 'Secret'), cluster.store.requireKind('v1', 'Service')]) {
      for (const child of cluster.store.list(k, { namespace: ns, labelSelector: `application=spilo,cluster-name=${name}` })) {
        cluster.store.delete(k, ns, child.metadata.name, { immediate: true });
      }
    }
  }

  const onChange = (e: StoreEvent) => {
    if (stopped || e.kind !== kind) return;
    const o = e.object;
    const k = key(o.metadata.namespace, o.metadata.name);
    if (e.type === 'ADDED') {
      tracked.set(k, { timers: new Set() });
      create(o);
    } else if (e.type === 'MODIFIED') {
      if (e.previous?.metadata.generation === o.metadata.generation) return;
      const t = tracked.get(k);
      if (!t) return;
      for (const timer of t.timers) clearTimeout(timer);
      t.timers.clear();
      const st = statusOf(o);
      if (st === undefined || st === 'Invalid') create(o);
      else update(o);
    } else {
      const t = tracked.get(k);
      if (t) for (const timer of t.timers) clearTimeout(timer);
      tracked.delete(k);
      removeChildren(o);
    }
  };
  cluster.events.on('change', onChange);
  // Clusters that already exist are picked up like new ones.
  for (const o of cluster.store.list(kind)) {
    if (statusOf(o) === undefined) onChange({ type: 'ADDED', object: o, kind, resourceVersion: Number(o.metadata.resourceVersion) });
  }

  const stop = () => {
    if (stopped) return;
    stopped = true;
    cluster.events.off('change', onChange);
    for (const t of tracked.values()) for (const timer of t.timers) clearTimeout(timer);
    tracked.clear();
  };
  cluster.onClose(stop);
  return {
    script: (name, script) => void scripts.set(name, { ...scripts.get(name), ...script }),
    transitions,
    stop,
  };
}
