import { isObject } from '../crd/json-type';

export { jsonEqual } from '../crd/json-equal';

/** Plain JSON object test (arrays and null excluded). */
export const isPlainObject = isObject;

/** Deep copy of a JSON value. */
export function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
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
