import type { Clock } from '@innominatus/core';
import type { MockCluster } from '../mock-cluster';
import type { MockObject } from '../types';
import { operatorSimulator } from '../simulator/operator-simulator';
import { REDIS_API_VERSION, REDIS_FINALIZER, REDIS_KIND } from './redis-kind';
import { RedisReconciler } from './redis-reconciler';

export { REDIS_API_VERSION, REDIS_FINALIZER, REDIS_KIND } from './redis-kind';

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
  const redis = new RedisReconciler(cluster, options.rolloutDelayMs ?? 0);
  const reconcile = (now: MockObject) => redis.reconcile(now);
  const sim = operatorSimulator(cluster, {
    ...(options.clock && { clock: options.clock }),
    apiVersion: REDIS_API_VERSION,
    kind: REDIS_KIND,
    name: 'redis-operator',
    added: (o) => redis.later(o, pickup, reconcile),
    modified: (o, previous, ctx) => {
      if (o.metadata.deletionTimestamp) {
        if (!previous.metadata.deletionTimestamp && o.metadata.finalizers?.includes(REDIS_FINALIZER)) {
          ctx.cancel(o);
          redis.later(o, pickup, (now) => redis.finalize(now));
        }
        return;
      }
      if (previous.metadata.generation !== o.metadata.generation) redis.later(o, pickup, reconcile);
    },
  });
  redis.bind(sim.context);
  return { rollouts: redis.rollouts, stop: sim.stop };
}
