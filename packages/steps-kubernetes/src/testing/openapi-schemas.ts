import type { JSONSchemaProps } from '../crd/index';
import { builtinKindSchema, objectMetaSchema } from './schemas/builtin-schemas';
import type { ResolvedKind } from './types';

export { objectMetaSchema } from './schemas/builtin-schemas';

/** The OpenAPI name of ObjectMeta. */
export const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
/** The OpenAPI name of the body of a patch. */
export const PATCH = 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch';

const str = (description: string): JSONSchemaProps => ({ type: 'string', description });
const anyObject = (description: string): JSONSchemaProps => ({ type: 'object', description, 'x-kubernetes-preserve-unknown-fields': true });

/** The OpenAPI schema name of a kind: `io.k8s.api.core.v1.ConfigMap`, or the reversed group for custom kinds (`do.zalan.acid.v1.postgresql`). */
export function schemaName(kind: ResolvedKind): string {
  if (kind.builtin) {
    const group = kind.group === '' ? 'core' : kind.group.replace(/\.k8s\.io$/, '').replace(/\./g, '');
    return kind.group.endsWith('apiextensions.k8s.io')
      ? `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.${kind.version}.${kind.kind}`
      : `io.k8s.api.${group}.${kind.version}.${kind.kind}`;
  }
  return `${kind.group.split('.').reverse().join('.')}.${kind.version}.${kind.kind}`;
}

/**
 * The schema of a kind's objects, with `metadata` pointing at ObjectMeta
 * through `ref`: a custom kind's own schema, or a built-in kind's from the
 * Kubernetes OpenAPI schemas (see `schemas/`).
 */
export function kindSchema(kind: ResolvedKind, metadataRef: JSONSchemaProps): JSONSchemaProps {
  const base: JSONSchemaProps = kind.schema ?? (kind.builtin ? builtinKindSchema(kind.apiVersion, kind.kind) : undefined) ?? openSchema(kind);
  const props = { ...(base.properties ?? {}) };
  return {
    ...base,
    type: 'object',
    description: base.description ?? `${kind.kind} (${kind.apiVersion}).`,
    properties: {
      apiVersion: str('APIVersion defines the versioned schema of this representation of an object.'),
      kind: str('Kind is a string value representing the REST resource this object represents.'),
      ...props,
      metadata: metadataRef,
    },
  };
}

/** A kind without a schema keeps any field. */
function openSchema(kind: ResolvedKind): JSONSchemaProps {
  return {
    type: 'object',
    properties: {
      spec: anyObject(`The desired state of the ${kind.kind}.`),
      ...(kind.statusSubresource ? { status: anyObject(`The observed state of the ${kind.kind}. Read-only.`) } : {}),
    },
  };
}

const objectSchemas = new WeakMap<ResolvedKind, JSONSchemaProps>();

/** The schema of a kind's objects with ObjectMeta in place (what server-side apply merges and tracks ownership by); made once per kind. */
export function objectSchema(kind: ResolvedKind): JSONSchemaProps {
  let schema = objectSchemas.get(kind);
  if (!schema) {
    schema = kindSchema(kind, objectMetaSchema());
    objectSchemas.set(kind, schema);
  }
  return schema;
}
