import type { JSONSchemaProps } from '../crd/index';
import type { ResolvedKind } from './types';

/** The OpenAPI name of ObjectMeta. */
export const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
/** The OpenAPI name of the body of a patch. */
export const PATCH = 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch';

const str = (description: string): JSONSchemaProps => ({ type: 'string', description });
const stringMap = (description: string): JSONSchemaProps => ({ type: 'object', description, additionalProperties: { type: 'string' } });
const anyObject = (description: string): JSONSchemaProps => ({ type: 'object', description, 'x-kubernetes-preserve-unknown-fields': true });

/** ObjectMeta, as much of it as kubectl explain and validation need. */
export const OBJECT_META_SCHEMA: JSONSchemaProps = {
  type: 'object',
  description: 'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.',
  properties: {
    name: str('Name must be unique within a namespace.'),
    generateName: str('GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided.'),
    namespace: str('Namespace defines the space within which each name must be unique.'),
    uid: str('UID is the unique in time and space value for this object. Populated by the system. Read-only.'),
    resourceVersion: str('An opaque value that represents the internal version of this object. Populated by the system. Read-only.'),
    generation: {
      type: 'integer',
      format: 'int64',
      description: 'A sequence number representing a specific generation of the desired state. Populated by the system. Read-only.',
    },
    creationTimestamp: {
      type: 'string',
      format: 'date-time',
      description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
    },
    deletionTimestamp: {
      type: 'string',
      format: 'date-time',
      description: 'DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted.',
    },
    labels: stringMap('Map of string keys and values that can be used to organize and categorize (scope and select) objects.'),
    annotations: stringMap(
      'Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata.',
    ),
    finalizers: { type: 'array', items: { type: 'string' }, description: 'Must be empty before the object is deleted from the registry.' },
    ownerReferences: {
      type: 'array',
      items: anyObject('OwnerReference contains enough information to let you identify an owning object.'),
      description: 'List of objects depended by this object.',
    },
    managedFields: {
      type: 'array',
      items: anyObject('ManagedFieldsEntry is a workflow-id, a FieldSet and the group version of the resource that the fieldset applies to.'),
      description: 'ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow.',
    },
  },
};

/** The top-level fields of built-in kinds (beyond apiVersion, kind and metadata). */
const BUILTIN_FIELDS: Record<string, Record<string, JSONSchemaProps>> = {
  ConfigMap: {
    data: stringMap('Data contains the configuration data.'),
    binaryData: stringMap('BinaryData contains the binary data (base64).'),
    immutable: { type: 'boolean', description: 'Immutable, if set to true, ensures that data stored in the ConfigMap cannot be updated.' },
  },
  Secret: {
    data: stringMap(
      "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string.",
    ),
    stringData: stringMap('stringData allows specifying non-binary secret data in string form. It is provided as a write-only input field for convenience.'),
    type: str('Used to facilitate programmatic handling of secret data.'),
    immutable: { type: 'boolean', description: 'Immutable, if set to true, ensures that data stored in the Secret cannot be updated.' },
  },
  Event: {
    involvedObject: anyObject('The object that this event is about.'),
    reason: str("This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
    message: str('A human-readable description of the status of this operation.'),
    type: str('Type of this event (Normal, Warning), new types could be added in the future.'),
    source: anyObject('The component reporting this event.'),
    firstTimestamp: { type: 'string', format: 'date-time', description: 'The time at which the event was first recorded.' },
    lastTimestamp: { type: 'string', format: 'date-time', description: 'The time at which the most recent occurrence of this event was recorded.' },
    count: { type: 'integer', format: 'int32', description: 'The number of times this event has occurred.' },
    reportingComponent: str('Name of the controller that emitted this Event.'),
  },
};

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

/** The schema of a kind's objects, with `metadata` pointing at ObjectMeta through `ref`. */
export function kindSchema(kind: ResolvedKind, metadataRef: JSONSchemaProps): JSONSchemaProps {
  const base: JSONSchemaProps = kind.schema ?? builtinSchema(kind);
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

function builtinSchema(kind: ResolvedKind): JSONSchemaProps {
  const fields = BUILTIN_FIELDS[kind.kind] ?? {
    spec: anyObject(`The desired state of the ${kind.kind}.`),
    ...(kind.statusSubresource ? { status: anyObject(`The observed state of the ${kind.kind}. Read-only.`) } : {}),
  };
  return { type: 'object', properties: fields };
}
