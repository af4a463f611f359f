import { isObject } from './json-type';
import type { FieldPath, JSONSchemaProps } from './types';

/** The fields of `metadata` (ObjectMeta) the API server keeps; others are unknown. */
export const OBJECT_META_FIELDS = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

const EMBEDDED = ['apiVersion', 'kind', 'metadata'];

/**
 * A copy of `value` with what the schema does not declare removed (unless
 * `x-kubernetes-preserve-unknown-fields`), non-nullable `null`s dropped and
 * schema `default`s filled in, like the API server's pruning and defaulting.
 * The paths of removed fields are appended to `unknown`.
 */
export function pruneAndDefault(schema: JSONSchemaProps, value: unknown, path: FieldPath, unknown: FieldPath[]): unknown {
  return prune(schema, value, [...path], unknown);
}

/**
 * {@link pruneAndDefault} with `path` the walk's own stack (copied from the
 * caller's, so a throw leaves nothing behind): each field's key is pushed
 * while its value is pruned and popped after, and a path is copied only for
 * a field that is removed, instead of a new path array for every field of
 * every object written.
 */
function prune(schema: JSONSchemaProps, value: unknown, path: Array<string | number>, unknown: FieldPath[]): unknown {
  if (Array.isArray(value)) return schema.items ? value.map((item, i) => pruneAt(schema.items!, item, path, i, unknown)) : value;
  if (!isObject(value)) return value;
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  const additional = isObject(schema.additionalProperties) ? schema.additionalProperties : undefined;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const childSchema = schema.properties?.[key] ?? additional;
    const keep = childSchema || preserve || schema.additionalProperties === true || (schema['x-kubernetes-embedded-resource'] && EMBEDDED.includes(key));
    if (!keep) {
      unknown.push([...path, key]);
      continue;
    }
    if (child === null && !childSchema?.nullable && childSchema) continue;
    out[key] = childSchema ? pruneAt(childSchema, child, path, key, unknown) : child;
  }
  if (schema['x-kubernetes-embedded-resource'] && isObject(out.metadata)) out.metadata = pruneMetadata(out.metadata, [...path, 'metadata'], unknown);
  for (const [key, childSchema] of withDefaults(schema)) {
    if (out[key] === undefined) out[key] = pruneAt(childSchema, structuredClone(childSchema.default), path, key, []);
  }
  return out;
}

/** {@link prune} of the value at `key`, with `key` on top of the `path` stack while it runs. */
function pruneAt(schema: JSONSchemaProps, value: unknown, path: Array<string | number>, key: string | number, unknown: FieldPath[]): unknown {
  path.push(key);
  const out = prune(schema, value, path, unknown);
  path.pop();
  return out;
}

/** The declared properties of each schema object that have a `default`, in its order (schemas are not changed once loaded). */
const defaulted = new WeakMap<JSONSchemaProps, Array<[string, JSONSchemaProps]>>();

function withDefaults(schema: JSONSchemaProps): Array<[string, JSONSchemaProps]> {
  let list = defaulted.get(schema);
  if (!list) {
    list = Object.entries(schema.properties ?? {}).filter(([, child]) => child.default !== undefined);
    defaulted.set(schema, list);
  }
  return list;
}

/** `metadata` with only ObjectMeta's fields; the others are appended to `unknown`. */
export function pruneMetadata(metadata: Record<string, unknown>, path: FieldPath, unknown: FieldPath[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(metadata)) {
    if (OBJECT_META_FIELDS.has(key)) out[key] = v;
    else unknown.push([...path, key]);
  }
  return out;
}
