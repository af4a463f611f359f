import { isObject } from '../crd/json-type';

export { jsonEqual } from '../crd/json-equal';

/** Plain JSON object test (arrays and null excluded). */
export const isPlainObject = isObject;

/**
 * Deep copy of a JSON value (objects and arrays copied, `undefined`
 * properties dropped as JSON would). Several times faster than a JSON round
 * trip, and the store copies on every read and write.
 */
export function clone<T>(value: T): T {
  return copy(value) as T;
}

function copy(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  // A Date or another value with its own JSON form becomes what JSON would make of it.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return JSON.parse(JSON.stringify(value));
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = value[i] === undefined ? null : copy(value[i]);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const key in value) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = copy(v);
  }
  return out;
}

/**
 * JSON merge (RFC 7386 flavour, as server-side apply without field ownership):
 * objects merge key by key, arrays and scalars replace, `null` removes a key.
 */
export function mergeInto(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (isPlainObject(value) && isPlainObject(out[key])) out[key] = mergeInto(out[key] as Record<string, unknown>, value);
    else out[key] = clone(value);
  }
  return out;
}
