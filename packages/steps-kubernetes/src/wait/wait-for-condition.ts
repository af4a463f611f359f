import { sensitive, Type } from '@innominatus/core';
import type { KubeObject } from '../client/kubernetes-client';
import {
  clientGetter,
  defineKubernetesStep,
  describeObject,
  DurationSchema,
  ResourceRefSchema,
  waitBudgetMs,
  type KubernetesStepOptions,
} from '../step-options';
import { observeObject } from '../watch/observe-object';
import { compileCondition } from './condition';
import { ConditionWait } from './condition-wait';
import { STEPS_KUBERNETES_VERSION } from '../version';

const input = Type.Object(
  {
    resource: ResourceRefSchema,
    successWhen: Type.String({ minLength: 1, maxLength: 4096, description: 'CEL over `object`; the wait succeeds when it is true' }),
    failureWhen: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'CEL over `object`; the wait fails when it is true' })),
    timeout: Type.Optional(DurationSchema),
    mustExist: Type.Optional(
      Type.Boolean({
        description:
          'the object exists already (an earlier step created it): when the shared watch does not have it, one read checks, and if it is missing it was deleted and the wait fails at once (K8S_OBJECT_DELETED) instead of waiting for it to appear; default false',
      }),
    ),
    sinceResourceVersion: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()], {
        description:
          'only observations with a newer metadata.resourceVersion count (compared as integers when both are, else "different from"); ' +
          'e.g. the resourceVersion in a kubernetes-apply output, so a status written before the change is not taken for the answer to it; null: every observation counts',
      }),
    ),
  },
  { additionalProperties: false },
);

const output = Type.Object({
  object: Type.Record(Type.String(), Type.Unknown(), { description: "the object when successWhen held (a Secret's data values are sensitive)" }),
  status: Type.Optional(Type.Unknown()),
});

/**
 * `wait-for-condition`: waits until a CEL condition over the observed object
 * holds. All waits on the same (apiVersion, kind, namespace) share one watch.
 * A missing object is waiting, not failing, until it has been seen (or with
 * `mustExist`): an object that disappears fails the wait at once with
 * `K8S_OBJECT_DELETED`, naming it. Progress reports the observed
 * status when it changes; failure and timeout quote the last one.
 *
 * With `sinceResourceVersion`, an observation whose `metadata.resourceVersion`
 * is not newer than it (see {@link isNewerResourceVersion}) is "not yet":
 * neither condition is evaluated on it. This is a filter of this wait only,
 * on the same shared watch. An object already newer when the watch lists
 * counts at once, so a controller that finished before the wait started is
 * still seen. Use it for controllers without `observedGeneration` (the
 * Zalando operator), whose status right after a change is the old one.
 *
 * @example
 * registry.register(waitForCondition({ client }));
 * // with: { resource: { apiVersion: acid.zalan.do/v1, kind: postgresql, name: team-db, namespace: apps },
 * //         successWhen: "has(object.status) && object.status.PostgresClusterStatus == 'Running'",
 * //         failureWhen: "has(object.status) && object.status.PostgresClusterStatus.endsWith('Failed')", timeout: 15m }
 */
export function waitForCondition(options: KubernetesStepOptions) {
  const client = clientGetter(options);
  return defineKubernetesStep({
    type: 'wait-for-condition',
    version: STEPS_KUBERNETES_VERSION,
    description: 'Waits until a CEL condition over a Kubernetes object holds (shared watch; fails on failureWhen or timeout, quoting the last status)',
    input,
    output,
    deferred: { successWhen: ['object'], failureWhen: ['object'] },
    timeout: '10m',
    examples: [
      {
        description: 'wait for a Zalando postgres cluster',
        with: {
          resource: { apiVersion: 'acid.zalan.do/v1', kind: 'postgresql', name: 'team-myapp-db', namespace: 'apps' },
          successWhen: "has(object.status) && object.status.PostgresClusterStatus == 'Running'",
          failureWhen: "has(object.status) && object.status.PostgresClusterStatus in ['CreateFailed', 'UpdateFailed', 'SyncFailed', 'Invalid']",
          timeout: '15m',
        },
      },
    ],
    async run(inp, ctx) {
      const success = compileCondition('successWhen', inp.successWhen);
      const failure = inp.failureWhen === undefined ? undefined : compileCondition('failureWhen', inp.failureWhen);
      const budgetMs = waitBudgetMs(inp.timeout, ctx);
      const k8s = client();
      const { resource } = inp;
      const info = await k8s.resource(resource.apiVersion, resource.kind, ctx.signal);
      const ns = k8s.namespaceFor(info, resource.namespace);
      const ref = { apiVersion: resource.apiVersion, kind: resource.kind, name: resource.name, ...(ns ? { namespace: ns } : {}) };
      const wait = new ConditionWait(
        {
          what: describeObject(resource.kind, ns, resource.name),
          success,
          failure,
          since: inp.sinceResourceVersion ?? undefined,
          mustExist: inp.mustExist === true,
          read: () => k8s.get(ref, ctx.signal),
          budgetMs,
        },
        ctx,
      );
      const result = await observeObject<KubeObject>(k8s, info, ns, resource.name, wait);
      if ('timedOut' in result) throw wait.timeoutError();
      const object = result.done;
      return { object: protectSecretData(object), ...(object.status !== undefined ? { status: object.status } : {}) };
    },
  });
}

/** A Secret's `data`/`stringData` values are wrapped as sensitive before they leave the step. */
function protectSecretData(object: KubeObject): Record<string, unknown> {
  if (object.kind !== 'Secret' || object.apiVersion !== 'v1') return object;
  const out: Record<string, unknown> = { ...object };
  for (const field of ['data', 'stringData']) {
    const values = object[field] as Record<string, unknown> | undefined;
    if (values && typeof values === 'object') out[field] = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, sensitive(v)]));
  }
  return out;
}
