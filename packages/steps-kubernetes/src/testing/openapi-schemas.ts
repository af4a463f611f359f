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
    finalizers: {
      type: 'array',
      items: { type: 'string' },
      description: 'Must be empty before the object is deleted from the registry.',
      'x-kubernetes-list-type': 'set',
    },
    ownerReferences: {
      type: 'array',
      items: anyObject('OwnerReference contains enough information to let you identify an owning object.'),
      description: 'List of objects depended by this object.',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['uid'],
    },
    managedFields: {
      type: 'array',
      items: anyObject('ManagedFieldsEntry is a workflow-id, a FieldSet and the group version of the resource that the fieldset applies to.'),
      description: 'ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow.',
    },
  },
};

/** An object schema that keeps fields it does not declare (the built-in kinds' schemas declare only part of theirs). */
const partial = (description: string, properties: Record<string, JSONSchemaProps>): JSONSchemaProps => ({
  ...anyObject(description),
  properties,
});
/** A list merged by server-side apply item by item, identified by `keys` (a list map). */
const listMap = (keys: string[], description: string, items: JSONSchemaProps): JSONSchemaProps => ({
  type: 'array',
  description,
  items,
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': keys,
});
const int32 = (description: string): JSONSchemaProps => ({ type: 'integer', format: 'int32', description });
const protocol: JSONSchemaProps = { type: 'string', default: 'TCP', description: 'Protocol for port. Must be UDP, TCP, or SCTP. Defaults to "TCP".' };

/**
 * The lists of a Container that server-side apply merges by key (as the
 * API server's schema marks them: map lists, or merge keys).
 */
const CONTAINER = partial('A single application container that you want to run within a pod.', {
  name: str('Name of the container specified as a DNS_LABEL. Each container in a pod must have a unique name.'),
  image: str('Container image name.'),
  ports: listMap(
    ['containerPort', 'protocol'],
    'List of ports to expose from the container.',
    partial('ContainerPort represents a network port in a single container.', {
      containerPort: int32("Number of port to expose on the pod's IP address."),
      protocol,
      name: str('Name of the port (an IANA_SVC_NAME, unique within the pod).'),
    }),
  ),
  env: listMap(
    ['name'],
    'List of environment variables to set in the container.',
    partial('EnvVar represents an environment variable present in a Container.', {
      name: str('Name of the environment variable.'),
      value: str('Variable references $(VAR_NAME) are expanded using the previously defined environment variables in the container.'),
    }),
  ),
  volumeMounts: listMap(
    ['mountPath'],
    "Pod volumes to mount into the container's filesystem.",
    partial('VolumeMount describes a mounting of a Volume within a container.', {
      mountPath: str('Path within the container at which the volume should be mounted.'),
      name: str('This must match the Name of a Volume.'),
    }),
  ),
});

/** The lists of a PodSpec that server-side apply merges by key. */
const POD_SPEC = partial('PodSpec is a description of a pod.', {
  containers: listMap(['name'], 'List of containers belonging to the pod.', CONTAINER),
  initContainers: listMap(['name'], 'List of initialization containers belonging to the pod.', CONTAINER),
  volumes: listMap(
    ['name'],
    'List of volumes that can be mounted by containers belonging to the pod.',
    partial('Volume represents a named volume in a pod.', {
      name: str('name of the volume. Must be a DNS_LABEL and unique within the pod.'),
    }),
  ),
  imagePullSecrets: listMap(
    ['name'],
    'References to secrets in the same namespace to use for pulling any of the images used by this PodSpec.',
    partial('LocalObjectReference contains enough information to let you locate the referenced object inside the same namespace.', {
      name: str('Name of the referent.'),
    }),
  ),
});

const POD_TEMPLATE = partial('PodTemplateSpec describes the data a pod should have when created from a template.', {
  metadata: OBJECT_META_SCHEMA,
  spec: POD_SPEC,
});

/** A label selector: replaced and owned as a whole by server-side apply (an atomic map). */
const SELECTOR: JSONSchemaProps = {
  ...anyObject('A label query over a set of resources.'),
  'x-kubernetes-map-type': 'atomic',
};

/** The part of a Deployment's or StatefulSet's spec server-side apply needs to know. */
const workloadSpec = (kind: string): JSONSchemaProps =>
  partial(`The desired state of the ${kind}.`, {
    replicas: int32('Number of desired pods.'),
    selector: SELECTOR,
    template: POD_TEMPLATE,
  });

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
  Pod: {
    spec: POD_SPEC,
    status: anyObject('The observed state of the Pod. Read-only.'),
  },
  Deployment: {
    spec: workloadSpec('Deployment'),
    status: anyObject('The observed state of the Deployment. Read-only.'),
  },
  StatefulSet: {
    spec: workloadSpec('StatefulSet'),
    status: anyObject('The observed state of the StatefulSet. Read-only.'),
  },
  Service: {
    spec: partial('The desired state of the Service.', {
      ports: listMap(
        ['port', 'protocol'],
        'The list of ports that are exposed by this service.',
        partial("ServicePort contains information on service's port.", {
          port: int32('The port that will be exposed by this service.'),
          protocol,
          name: str('The name of this port within the service.'),
        }),
      ),
    }),
    status: anyObject('The observed state of the Service. Read-only.'),
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

const objectSchemas = new WeakMap<ResolvedKind, JSONSchemaProps>();

/** The schema of a kind's objects with ObjectMeta in place (what server-side apply merges and tracks ownership by); made once per kind. */
export function objectSchema(kind: ResolvedKind): JSONSchemaProps {
  let schema = objectSchemas.get(kind);
  if (!schema) {
    schema = kindSchema(kind, OBJECT_META_SCHEMA);
    objectSchemas.set(kind, schema);
  }
  return schema;
}
