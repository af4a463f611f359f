import { Type } from '@innominatus/core';
import { KubernetesError } from '../errors';
import {
  clientGetter,
  defineKubernetesStep,
  describeObject,
  DurationSchema,
  formatMs,
  ResourceRefSchema,
  waitBudgetMs,
  type KubernetesStepOptions,
} from '../step-options';
import { observeObject } from '../watch/observe-object';
import { statusText } from '../wait/observed-status';
import { STEPS_KUBERNETES_VERSION } from '../version';

const input = Type.Object(
  {
    resource: ResourceRefSchema,
    wait: Type.Optional(Type.Boolean({ description: 'wait until the object is gone (finalizers done); default false' })),
    timeout: Type.Optional(DurationSchema),
    propagationPolicy: Type.Optional(Type.Union([Type.Literal('Foreground'), Type.Literal('Background'), Type.Literal('Orphan')])),
  },
  { additionalProperties: false },
);

const output = Type.Object({
  deleted: Type.Boolean({ description: 'false when the object did not exist' }),
  gone: Type.Boolean({ description: 'true when the object is known to be gone (not found, or waited for)' }),
});

/**
 * `kubernetes-delete`: deletes one object by reference. Not found is
 * success; with `wait`, waits until the object is really gone.
 *
 * @example
 * registry.register(kubernetesDelete({ client }));
 */
export function kubernetesDelete(options: KubernetesStepOptions) {
  const client = clientGetter(options);
  return defineKubernetesStep({
    type: 'kubernetes-delete',
    version: STEPS_KUBERNETES_VERSION,
    description: 'Deletes a Kubernetes object (not found is success), optionally waiting until it is gone',
    input,
    output,
    timeout: '5m',
    examples: [
      {
        description: 'remove a postgres cluster and wait until it is gone',
        with: { resource: { apiVersion: 'acid.zalan.do/v1', kind: 'postgresql', name: 'team-myapp-db', namespace: 'apps' }, wait: true, timeout: '10m' },
      },
    ],
    async run(inp, ctx) {
      const k8s = client();
      const { resource } = inp;
      const info = await k8s.resource(resource.apiVersion, resource.kind, ctx.signal);
      const namespace = k8s.namespaceFor(info, resource.namespace);
      const what = describeObject(resource.kind, namespace, resource.name);
      const deleted = await k8s.delete(
        { ...resource, ...(namespace ? { namespace } : {}) },
        { signal: ctx.signal, ...(inp.propagationPolicy ? { propagationPolicy: inp.propagationPolicy } : {}) },
      );
      ctx.progress(deleted ? `deleted ${what}` : `${what} does not exist`);
      if (!deleted) return { deleted: false, gone: true };
      if (!inp.wait) return { deleted: true, gone: false };
      const budget = waitBudgetMs(inp.timeout, ctx);
      let last: unknown;
      const r = await observeObject<true>(k8s, info, namespace, resource.name, {
        signal: ctx.signal,
        timeoutMs: budget,
        clock: ctx.clock,
        decide: (o) => {
          last = o;
          return o ? undefined : { done: true };
        },
      });
      if ('timedOut' in r) {
        const finalizers = (last as { metadata?: { finalizers?: string[] } } | undefined)?.metadata?.finalizers ?? [];
        throw new KubernetesError(
          'K8S_WAIT_TIMEOUT',
          `${what} was still there after ${formatMs(budget)}${finalizers.length ? ` (finalizers: ${finalizers.join(', ')})` : ''}; last observed status: ${statusText(last as never)}`,
        );
      }
      ctx.progress(`${what} is gone`);
      return { deleted: true, gone: true };
    },
  });
}
