import type { Clock } from '@innominatus/core';
import type { MockCluster } from '../mock-cluster';
import { operatorSimulator, type SimulatorContext } from '../simulator/operator-simulator';
import type { MockObject } from '../types';
import { labelsOf, type RedisSpec, serviceOf, statefulSetOf } from './redis-children';

/** The Redis kind of the OpsTree redis-operator. */
export const REDIS_API_VERSION = 'redis.redis.opstreelabs.in/v1beta2';
export const REDIS_KIND = 'Redis';
/** The finalizer the operator puts on every Redis it reconciles. */
export const REDIS_FINALIZER = 'redisFinalizer';

/** Options of {@link redisOperator}. */
export interface RedisOperatorOptions {
  /** How long the operator takes to see a new or changed Redis (default 0). */
  pickupDelayMs?: number;
  /** How long the StatefulSet's Pod takes to become ready after a change (default 0). */
  rolloutDelayMs?: number;
  /** What the delays run on (default the system clock, whose setTimeout fake timers control). */
  clock?: Clock;
}

/** A running simulator of the OpsTree redis-operator. */
export interface RedisOperator {
  /** Every StatefulSet spec change the operator made, as `namespace/name: image cpu-limit memory-limit`. */
  readonly rollouts: string[];
  stop(): void;
}

/**
 * The OpsTree redis-operator for a standalone Redis, as its controller
 * behaves: it adds its finalizer, then creates or updates the StatefulSet
 * named like the Redis (one replica; REDIS_PASSWORD from
 * `kubernetesConfig.redisSecret`) and the Services `<name>`,
 * `<name>-headless` and `<name>-additional`, all owned by the Redis. It
 * writes no status on the Redis. The StatefulSet controller and kubelet part
 * is simulated too: the PersistentVolumeClaim `<name>-<name>-0` from the
 * volume claim template, and the StatefulSet's status (observedGeneration,
 * ready and updated replicas) once its Pod could start; a Pod whose password
 * Secret or key is missing never starts (a Warning Event says why). On
 * deletion the finalizer deletes the PersistentVolumeClaim unless
 * `storage.keepAfterDelete`, then lets the Redis go; the garbage collector
 * removes the StatefulSet and Services. The Redis kind must be installed
 * first (`cluster.installCrds(redisCrd())`, or the operator's own CRD file).
 *
 * @example
 * cluster.installCrds(redisCrd());
 * const operator = redisOperator(cluster, { rolloutDelayMs: 20 });
 */
export function redisOperator(cluster: MockCluster, options: RedisOperatorOptions = {}): RedisOperator {
  const pickup = options.pickupDelayMs ?? 0;
  const rolloutDelay = options.rolloutDelayMs ?? 0;
  const rollouts: string[] = [];
  let ctx!: SimulatorContext;
  const store = cluster.store;
  const redisKind = () => store.requireKind(REDIS_API_VERSION, REDIS_KIND);

  const later = (o: MockObject, ms: number, fn: (now: MockObject) => void) =>
    ctx.after(o, ms, () => {
      const now = ctx.current(o);
      if (now) fn(now);
    });

  function reconcile(o: MockObject): void {
    if (o.metadata.deletionTimestamp) return;
    ctx.cancel(o); // this pass sees the newest spec: an earlier pending pass or rollout is superseded
    if (!o.metadata.finalizers?.includes(REDIS_FINALIZER)) {
      store.patch(
        redisKind(),
        o.metadata.namespace,
        o.metadata.name,
        'merge',
        { metadata: { finalizers: [...(o.metadata.finalizers ?? []), REDIS_FINALIZER] } },
        ctx.writeOptions,
      );
    }
    const before = statefulSet(o);
    const sts = ctx.ensureChild(o, statefulSetOf(o, before));
    for (const suffix of ['', '-headless', '-additional']) ctx.ensureChild(o, serviceOf(o, suffix));
    claimVolume(o);
    if (before && before.metadata.generation === sts.metadata.generation) return;
    const spec = o.spec as RedisSpec;
    const limits = spec.kubernetesConfig.resources?.limits ?? {};
    rollouts.push(`${o.metadata.namespace}/${o.metadata.name}: ${spec.kubernetesConfig.image} ${limits.cpu} ${limits.memory}`);
    setStsStatus(sts, { observedGeneration: sts.metadata.generation, replicas: 1, readyReplicas: 0, updatedReplicas: 0, currentReplicas: 1 });
    later(o, rolloutDelay, (now) => startPod(now));
  }

  function startPod(o: MockObject): void {
    const sts = statefulSet(o);
    if (!sts) return;
    const missing = missingPassword(o);
    if (missing) {
      ctx.event(sts, { type: 'Warning', reason: 'FailedCreatePodContainer', message: `${o.metadata.name}-0: ${missing}` });
      return;
    }
    setStsStatus(sts, {
      observedGeneration: sts.metadata.generation,
      replicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
      updatedReplicas: 1,
      currentReplicas: 1,
    });
  }

  /** Why the container cannot get REDIS_PASSWORD, or undefined when it can. */
  function missingPassword(o: MockObject): string | undefined {
    const ref = (o.spec as RedisSpec).kubernetesConfig.redisSecret;
    if (!ref?.name || !ref.key) return undefined;
    const secret = cluster.get({ apiVersion: 'v1', kind: 'Secret', name: ref.name, namespace: o.metadata.namespace! });
    if (!secret) return `Error: secret "${ref.name}" not found`;
    if ((secret.data as Record<string, string> | undefined)?.[ref.key] === undefined) {
      return `Error: couldn't find key ${ref.key} in Secret ${o.metadata.namespace}/${ref.name}`;
    }
    return undefined;
  }

  function statefulSet(o: MockObject): MockObject | undefined {
    return cluster.get({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: o.metadata.name, namespace: o.metadata.namespace! });
  }

  function setStsStatus(sts: MockObject, status: Record<string, unknown>): void {
    store.setStatus(store.requireKind('apps/v1', 'StatefulSet'), sts.metadata.namespace, sts.metadata.name, status, {
      fieldManager: 'kube-controller-manager',
    });
  }

  /** The claim the StatefulSet controller makes from the template (not owned: it outlives the StatefulSet); a larger request resizes it. */
  function claimVolume(o: MockObject): void {
    const claim = (o.spec as RedisSpec).storage?.volumeClaimTemplate?.spec;
    if (!claim) return;
    const name = `${o.metadata.name}-${o.metadata.name}-0`;
    const ns = o.metadata.namespace!;
    if (cluster.get({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', name, namespace: ns })) return;
    cluster.apply({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: ns, labels: labelsOf(o.metadata.name) }, spec: claim });
  }

  function finalize(o: MockObject): void {
    const spec = o.spec as RedisSpec;
    if (spec.storage && !spec.storage.keepAfterDelete) {
      cluster.delete({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: `${o.metadata.name}-${o.metadata.name}-0`, namespace: o.metadata.namespace! });
    }
    const rest = (o.metadata.finalizers ?? []).filter((f) => f !== REDIS_FINALIZER);
    store.patch(redisKind(), o.metadata.namespace, o.metadata.name, 'merge', { metadata: { finalizers: rest.length ? rest : null } }, ctx.writeOptions);
  }

  const sim = operatorSimulator(cluster, {
    ...(options.clock && { clock: options.clock }),
    apiVersion: REDIS_API_VERSION,
    kind: REDIS_KIND,
    name: 'redis-operator',
    added: (o) => later(o, pickup, reconcile),
    modified: (o, previous) => {
      if (o.metadata.deletionTimestamp) {
        if (!previous.metadata.deletionTimestamp && o.metadata.finalizers?.includes(REDIS_FINALIZER)) {
          ctx.cancel(o);
          later(o, pickup, finalize);
        }
        return;
      }
      if (previous.metadata.generation !== o.metadata.generation) later(o, pickup, reconcile);
    },
  });
  ctx = sim.context;
  return { rollouts, stop: sim.stop };
}
