import type { KindSpec } from './types';

const core = (kind: string, plural: string, extra: Partial<KindSpec> = {}): KindSpec => ({ group: '', version: 'v1', kind, plural, namespaced: true, statusSubresource: false, generation: false, ...extra });

/** The built-in kinds every mock cluster serves (a subset of a real cluster's, enough for providers and kubectl). */
export const BUILTIN_KINDS: readonly KindSpec[] = Object.freeze([
  core('Namespace', 'namespaces', { namespaced: false, shortNames: ['ns'], statusSubresource: true }),
  core('Secret', 'secrets'),
  core('ConfigMap', 'configmaps', { shortNames: ['cm'] }),
  core('Service', 'services', { shortNames: ['svc'], statusSubresource: true, categories: ['all'] }),
  core('ServiceAccount', 'serviceaccounts', { shortNames: ['sa'] }),
  core('Event', 'events', { shortNames: ['ev'] }),
  core('PersistentVolumeClaim', 'persistentvolumeclaims', { shortNames: ['pvc'], statusSubresource: true }),
  core('Pod', 'pods', { shortNames: ['po'], statusSubresource: true, categories: ['all'] }),
  { group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', namespaced: true, shortNames: ['deploy'], statusSubresource: true, generation: true, categories: ['all'] },
  { group: 'apps', version: 'v1', kind: 'StatefulSet', plural: 'statefulsets', namespaced: true, shortNames: ['sts'], statusSubresource: true, generation: true, categories: ['all'] },
  { group: 'policy', version: 'v1', kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets', namespaced: true, shortNames: ['pdb'], statusSubresource: true, generation: true },
  { group: 'events.k8s.io', version: 'v1', kind: 'Event', plural: 'events', namespaced: true, shortNames: ['ev'], statusSubresource: false, generation: false },
  {
    group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', plural: 'customresourcedefinitions', namespaced: false,
    shortNames: ['crd', 'crds'], statusSubresource: true, generation: true,
  },
]);
