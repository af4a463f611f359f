import { loadCrd, type LoadedCrd } from '@innominatus/steps-kubernetes/crd';

/**
 * A cluster-scoped CRD with no CEL rules: `spec.size` one of `sizes`, a
 * string `status.phase` (a status subresource) and a top-level `note`
 * defaulted to `none`.
 */
export function boxCrd(sizes: string[]): LoadedCrd {
  return loadCrd({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'boxes.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Cluster',
      names: { kind: 'Box', plural: 'boxes' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: { type: 'object', properties: { size: { type: 'string', enum: sizes } } },
                status: { type: 'object', properties: { phase: { type: 'string' } } },
                note: { type: 'string', default: 'none' },
              },
            },
          },
        },
      ],
    },
  });
}
