import { withFinalizer, withoutFinalizer } from '../finalizers';
import type { MockCluster } from '../mock-cluster';
import type { SimulatorContext } from '../simulator/operator-simulator';
import type { MockObject } from '../types';
import { claimNameOf, labelsOf, type RedisSpec, serviceOf, statefulSetOf } from './redis-children';
import { REDIS_API_VERSION, REDIS_FINALIZER, REDIS_KIND } from './redis-kind';

/**
 * What the simulated OpsTree redis-operator does with each Redis it watches
 * (see `redisOperator`): reconciling it (finalizer, StatefulSet, Services,
 * the claimed volume), the StatefulSet's Pod starting or failing to, and the
 * finalizer's clean-up. It acts through the simulator's context, bound once
 * the simulator runs.
 */
export class RedisReconciler {
  /** Every StatefulSet spec change made, as `namespace/name: image cpu-limit memory-limit`. */
  readonly rollouts: string[] = [];
  readonly #cluster: MockCluster;
  readonly #rolloutDelayMs: number;
  #ctx!: SimulatorContext;

  constructor(cluster: MockCluster, rolloutDelayMs: number) {
    this.#cluster = cluster;
    this.#rolloutDelayMs = rolloutDelayMs;
  }

  /** Binds the simulator's context, which every later action goes through. */
  bind(ctx: SimulatorContext): void {
    this.#ctx = ctx;
  }

  /** Runs `fn` with the Redis as it is `ms` later, unless it is gone by then. */
  later(o: MockObject, ms: number, fn: (now: MockObject) => void): void {
    this.#ctx.after(o, ms, () => {
      const now = this.#ctx.current(o);
      if (now) fn(now);
    });
  }

  /** Makes the Redis's children match its spec; a changed StatefulSet spec is a rollout, its Pod ready `rolloutDelayMs` later. */
  reconcile(o: MockObject): void {
    if (o.metadata.deletionTimestamp) return;
    this.#ctx.cancel(o); // this pass sees the newest spec: an earlier pending pass or rollout is superseded
    if (!o.metadata.finalizers?.includes(REDIS_FINALIZER)) this.#patchFinalizers(o, withFinalizer(o, REDIS_FINALIZER));
    const before = this.#statefulSet(o);
    const sts = this.#ctx.ensureChild(o, statefulSetOf(o, before));
    for (const suffix of ['', '-headless', '-additional']) this.#ctx.ensureChild(o, serviceOf(o, suffix));
    this.#claimVolume(o);
    if (before && before.metadata.generation === sts.metadata.generation) return;
    const spec = o.spec as RedisSpec;
    const limits = spec.kubernetesConfig.resources?.limits ?? {};
    this.rollouts.push(`${o.metadata.namespace}/${o.metadata.name}: ${spec.kubernetesConfig.image} ${limits.cpu} ${limits.memory}`);
    this.#setStsStatus(sts, { observedGeneration: sts.metadata.generation, replicas: 1, readyReplicas: 0, updatedReplicas: 0, currentReplicas: 1 });
    this.later(o, this.#rolloutDelayMs, (now) => this.#startPod(now));
  }

  /** The finalizer's work: the claimed volume deleted unless `storage.keepAfterDelete`, then the finalizer removed. */
  finalize(o: MockObject): void {
    const spec = o.spec as RedisSpec;
    if (spec.storage && !spec.storage.keepAfterDelete) {
      this.#cluster.delete({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: claimNameOf(o.metadata.name), namespace: o.metadata.namespace! });
    }
    this.#patchFinalizers(o, withoutFinalizer(o, REDIS_FINALIZER));
  }

  #startPod(o: MockObject): void {
    const sts = this.#statefulSet(o);
    if (!sts) return;
    const missing = this.#missingPassword(o);
    if (missing) {
      this.#ctx.event(sts, { type: 'Warning', reason: 'FailedCreatePodContainer', message: `${o.metadata.name}-0: ${missing}` });
      return;
    }
    this.#setStsStatus(sts, {
      observedGeneration: sts.metadata.generation,
      replicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
      updatedReplicas: 1,
      currentReplicas: 1,
    });
  }

  /** Why the container cannot get REDIS_PASSWORD, or undefined when it can. */
  #missingPassword(o: MockObject): string | undefined {
    const ref = (o.spec as RedisSpec).kubernetesConfig.redisSecret;
    if (!ref?.name || !ref.key) return undefined;
    const secret = this.#cluster.get({ apiVersion: 'v1', kind: 'Secret', name: ref.name, namespace: o.metadata.namespace! });
    if (!secret) return `Error: secret "${ref.name}" not found`;
    if ((secret.data as Record<string, string> | undefined)?.[ref.key] === undefined) {
      return `Error: couldn't find key ${ref.key} in Secret ${o.metadata.namespace}/${ref.name}`;
    }
    return undefined;
  }

  #statefulSet(o: MockObject): MockObject | undefined {
    return this.#cluster.get({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: o.metadata.name, namespace: o.metadata.namespace! });
  }

  #setStsStatus(sts: MockObject, status: Record<string, unknown>): void {
    const store = this.#cluster.store;
    store.setStatus(store.requireKind('apps/v1', 'StatefulSet'), sts.metadata.namespace, sts.metadata.name, status, {
      fieldManager: 'kube-controller-manager',
    });
  }

  /** The claim the StatefulSet controller makes from the template (not owned: it outlives the StatefulSet); an existing claim is left as it is, never resized. */
  #claimVolume(o: MockObject): void {
    const claim = (o.spec as RedisSpec).storage?.volumeClaimTemplate?.spec;
    if (!claim) return;
    const name = claimNameOf(o.metadata.name);
    const ns = o.metadata.namespace!;
    if (this.#cluster.get({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', name, namespace: ns })) return;
    this.#cluster.apply({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: ns, labels: labelsOf(o.metadata.name) }, spec: claim });
  }

  #patchFinalizers(o: MockObject, finalizers: string[] | null): void {
    const store = this.#cluster.store;
    store.patch(
      store.requireKind(REDIS_API_VERSION, REDIS_KIND),
      o.metadata.namespace,
      o.metadata.name,
      'merge',
      { metadata: { finalizers } },
      this.#ctx.writeOptions,
    );
  }
}
