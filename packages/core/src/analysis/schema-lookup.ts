/** A JSON Schema node as the validator reads it. */
type SchemaNode = Record<string, unknown>;

/** What walking a reference path through a step's output schema found. */
export interface SchemaLookup {
  /** `ok`: the path exists; `missing`: it cannot exist; `open`: the schema does not say. */
  status: 'ok' | 'missing' | 'open';
  /** The schema at the end of the path (when `ok`). */
  schema?: SchemaNode;
  /** The first path segment that does not exist (when `missing`). */
  missing?: string;
  /** A schema on the way, or anything under the end, is marked `"x-sensitive": true`. */
  sensitive: boolean;
}

/**
 * Follows `path` through an output schema: `properties`, `patternProperties`,
 * `additionalProperties`, `items` and the branches of `anyOf`/`oneOf`/`allOf`.
 * An object schema with `properties` and no `additionalProperties` is read
 * as closed: a step returns what it declares.
 */
export function lookupSchema(schema: unknown, path: readonly string[]): SchemaLookup {
  if (!isNode(schema)) return { status: 'open', sensitive: false };
  let sensitive = schema['x-sensitive'] === true;
  const branches = (['anyOf', 'oneOf', 'allOf'] as const).flatMap((k) => (Array.isArray(schema[k]) ? (schema[k] as unknown[]) : []));
  if (branches.length > 0 && path.length > 0) {
    const results = branches.map((b) => lookupSchema(b, path));
    const hit = results.find((r) => r.status !== 'missing');
    if (!hit) return { ...results[0]!, sensitive: sensitive || results.some((r) => r.sensitive) };
    return { ...hit, sensitive: sensitive || hit.sensitive };
  }
  if (path.length === 0) return { status: 'ok', schema, sensitive: sensitive || holdsSensitive(schema, 0) };
  const [key, ...rest] = path as [string, ...string[]];
  const next = child(schema, key);
  if (next === 'missing') return { status: 'missing', missing: key, sensitive };
  if (next === 'open') return { status: 'open', sensitive };
  const r = lookupSchema(next, rest);
  sensitive ||= r.sensitive;
  return { ...r, sensitive };
}

function child(schema: SchemaNode, key: string): SchemaNode | 'missing' | 'open' {
  const props = isNode(schema.properties) ? schema.properties : undefined;
  if (props && Object.hasOwn(props, key) && isNode(props[key])) return props[key] as SchemaNode;
  if (/^\d+$/.test(key) && schema.items !== undefined) return isNode(schema.items) ? schema.items : 'open';
  if (isNode(schema.patternProperties)) {
    for (const [re, s] of Object.entries(schema.patternProperties)) {
      if (new RegExp(re, 'u').test(key)) return isNode(s) ? s : 'open';
    }
  }
  const extra = schema.additionalProperties;
  if (isNode(extra)) return extra;
  if (extra === false) return 'missing';
  if (extra === true) return 'open';
  if (props || isNode(schema.patternProperties)) return 'missing';
  const type = schema.type;
  if (type === 'string' || type === 'number' || type === 'integer' || type === 'boolean' || type === 'null') return 'missing';
  return 'open';
}

function holdsSensitive(schema: unknown, depth: number): boolean {
  if (!isNode(schema) || depth > 32) return false;
  if (schema['x-sensitive'] === true) return true;
  for (const v of Object.values(schema)) {
    if (Array.isArray(v) ? v.some((x) => holdsSensitive(x, depth + 1)) : isNode(v) && holdsSensitive(v, depth + 1)) return true;
  }
  return false;
}

function isNode(v: unknown): v is SchemaNode {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The JSON type a schema declares, when it declares exactly one. */
export function schemaType(schema: SchemaNode | undefined): string | undefined {
  return typeof schema?.type === 'string' ? schema.type : undefined;
}
