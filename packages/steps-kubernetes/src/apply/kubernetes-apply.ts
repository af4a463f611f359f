import { Type } from '@innominatus/core';
import type { KubeObject } from '../client/kubernetes-client';
import { KubernetesError } from '../errors';
import { clientGetter, defineKubernetesStep, describeObject, NamespaceSchema, type KubernetesStepOptions } from '../step-options';
import { STEPS_KUBERNETES_VERSION } from '../version';

/** Most manifests one step applies. */
export const MAX_MANIFESTS = 100;

const Manifest = Type.Object(
  {
    apiVersion: Type.String({ minLength: 1, maxLength: 253 }),
    kind: Type.String({ minLength: 1, maxLength: 63 }),
    metadata: Type.Object(
      {
        name: Type.String({ minLength: 1, maxLength: 253 }),
        namespace: Type.Optional(Type.String({ minLength: 1, maxLength: 63 })),
      },
      { additionalProperties: true },
    ),
  },
  { additionalProperties: true },
);

const input = Type.Object(
  {
    manifests: Type.Array(Manifest, { minItems: 1, maxItems: MAX_MANIFESTS, description: 'objects to apply, in order' }),
    namespace: Type.Optional(NamespaceSchema),
    force: Type.Optional(Type.Boolean({ description: 'take over fields owned by other field managers (default true)' })),
  },
  { additionalProperties: false },
);

const AppliedObject = Type.Object({
  apiVersion: Type.String(),
  kind: Type.String(),
  name: Type.String(),
  namespace: Type.Optional(Type.String()),
  uid: Type.String(),
  resourceVersion: Type.String(),
  generation: Type.Optional(
    Type.Integer({
      description:
        'metadata.generation: moves only when the spec (for custom resources: anything but metadata and status) changes; absent when the API returns none',
    }),
  ),
});

const output = Type.Object({ objects: Type.Array(AppliedObject) });

/**
 * `kubernetes-apply`: server-side apply of one or more manifests with field
 * manager `innominatus`. Namespaced objects without a namespace get the
 * step's `namespace` (else the kubeconfig context's). Applying the same
 * manifests again changes nothing. Each applied object's `generation` is
 * output when the API returns one: compare it with the generation read before
 * the apply to tell a spec change from a metadata-only one.
 *
 * @example
 * registry.register(kubernetesApply({ client }));
 */
export function kubernetesApply(options: KubernetesStepOptions) {
  const client = clientGetter(options);
  return defineKubernetesStep({
    type: 'kubernetes-apply',
    version: STEPS_KUBERNETES_VERSION,
    description: 'Server-side applies Kubernetes manifests (field manager innominatus) and outputs what the API stored',
    input,
    output,
    timeout: '2m',
    examples: [
      {
        description: 'a ConfigMap in the application namespace',
        with: { namespace: 'apps', manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { LOG_LEVEL: 'info' } }] },
      },
    ],
    async run(inp, ctx) {
      const k8s = client();
      const objects = [];
      for (const [i, manifest] of inp.manifests.entries()) {
        const m = manifest as KubeObject;
        const info = await k8s.resource(m.apiVersion, m.kind, ctx.signal);
        const namespace = info.namespaced ? (m.metadata.namespace ?? inp.namespace ?? k8s.defaultNamespace) : undefined;
        let stored: KubeObject;
        try {
          stored = await k8s.apply(
            { ...m, metadata: { ...m.metadata, ...(namespace ? { namespace } : {}) } },
            { force: inp.force ?? true, signal: ctx.signal },
          );
        } catch (err) {
          if (KubernetesError.is(err)) {
            throw new KubernetesError(err.kubernetesCode, `manifests[${i}] (${describeObject(m.kind, namespace, m.metadata.name)}): ${err.message}`, {
              ...(err.status !== undefined ? { status: err.status } : {}),
              ...(err.target ? { target: err.target } : {}),
              retryable: err.retryable,
            });
          }
          throw err;
        }
        const meta = stored.metadata;
        ctx.progress(`applied ${describeObject(stored.kind, meta.namespace, meta.name)} (resourceVersion ${meta.resourceVersion})`);
        objects.push({
          apiVersion: stored.apiVersion ?? m.apiVersion,
          kind: stored.kind ?? m.kind,
          name: meta.name,
          ...(meta.namespace ? { namespace: meta.namespace } : {}),
          uid: String(meta.uid ?? ''),
          resourceVersion: String(meta.resourceVersion ?? ''),
          ...(typeof meta.generation === 'number' && Number.isSafeInteger(meta.generation) ? { generation: meta.generation } : {}),
        });
      }
      return { objects };
    },
  });
}
