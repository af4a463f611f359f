import type { JSONSchemaProps } from '../../crd/index';
import { definitionTexts, ROOT_MODELS } from './definitions.generated';

let models: Map<string, JSONSchemaProps> | undefined;

/**
 * The schema of a built-in kind's objects (`v1`/`ConfigMap`,
 * `apps/v1`/`Deployment`, ...), as the Kubernetes OpenAPI spec has it: every
 * field with its type, format, description and required fields, and the list
 * semantics server-side apply follows; undefined for a kind it does not
 * have. Each model is one shared schema object (made on first use).
 */
export function builtinKindSchema(apiVersion: string, kind: string): JSONSchemaProps | undefined {
  const name = ROOT_MODELS[`${apiVersion}/${kind}`];
  return name ? model(name) : undefined;
}

/** ObjectMeta's schema, from the same source. */
export function objectMetaSchema(): JSONSchemaProps {
  return model('V1ObjectMeta');
}

function model(name: string): JSONSchemaProps {
  models ??= new Map();
  let schema = models.get(name);
  if (schema) return schema;
  const text = definitionTexts()[name];
  if (!text) throw new TypeError(`no schema for model ${name}`);
  // Registered before its parts are resolved, so a model that refers to itself gets this very object.
  schema = {};
  models.set(name, schema);
  Object.assign(schema, resolve(text));
  return schema;
}

function resolve(node: Record<string, unknown>): JSONSchemaProps {
  const { $ref, ...rest } = node;
  if (typeof $ref === 'string') {
    const target = model($ref);
    return Object.keys(rest).length ? { ...target, ...(resolve(rest) as Record<string, unknown>) } : target;
  }
  const out: Record<string, unknown> = { ...rest };
  if (isRecord(rest.properties))
    out.properties = Object.fromEntries(Object.entries(rest.properties).map(([k, v]) => [k, resolve(v as Record<string, unknown>)]));
  if (isRecord(rest.items)) out.items = resolve(rest.items);
  if (isRecord(rest.additionalProperties)) out.additionalProperties = resolve(rest.additionalProperties);
  return out as JSONSchemaProps;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
