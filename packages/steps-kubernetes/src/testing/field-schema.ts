import type { JSONSchemaProps } from '../crd/index';
import { ApiStatusError } from './api-status';
import { isPlainObject } from './merge';

/**
 * How server-side apply treats a list, from its schema's extensions:
 * `atomic` (replaced whole, owned as one field; also every list without a
 * schema), `set` (scalars, each owned as `v:<value>`) or `map` (objects
 * identified by their key fields, each owned as `k:{...}`).
 */
export type ListSemantics = { type: 'atomic' } | { type: 'set' } | { type: 'map'; keys: string[]; defaults: Record<string, unknown> };

const ATOMIC: ListSemantics = { type: 'atomic' };
const known = new WeakMap<JSONSchemaProps, ListSemantics>();

/** The schema of `key` under an object schema, and whether it is a declared field (in `properties`) or a map entry. */
export function fieldOf(schema: JSONSchemaProps | undefined, key: string): { schema: JSONSchemaProps | undefined; declared: boolean } {
  const declared = schema?.properties?.[key];
  if (declared) return { schema: declared, declared: true };
  const extra = schema?.additionalProperties;
  return { schema: isPlainObject(extra) ? (extra as JSONSchemaProps) : undefined, declared: false };
}

/** True for an object schema marked `x-kubernetes-map-type: atomic` (replaced and owned whole). */
export function atomicMap(schema: JSONSchemaProps | undefined): boolean {
  return schema?.['x-kubernetes-map-type'] === 'atomic';
}

/** The list semantics of an array schema (atomic without one, as the API server deduces untyped lists). */
export function listSemantics(schema: JSONSchemaProps | undefined): ListSemantics {
  if (!schema) return ATOMIC;
  let found = known.get(schema);
  if (!found) {
    const type = schema['x-kubernetes-list-type'];
    if (type === 'set') found = { type: 'set' };
    else if (type === 'map') {
      const keys = [...(schema['x-kubernetes-list-map-keys'] ?? [])].sort();
      const defaults: Record<string, unknown> = {};
      for (const k of keys) {
        const d = schema.items?.properties?.[k]?.default;
        if (d !== undefined) defaults[k] = d;
      }
      found = { type: 'map', keys, defaults };
    } else found = ATOMIC;
    known.set(schema, found);
  }
  return found;
}

/**
 * The path element naming one item of a set or map list, exactly as in
 * `fieldsV1`: `v:"a"` for a set, `k:{"name":"a"}` (key fields sorted, a
 * defaulted key filled in) for a map. 422 when an item lacks a key field,
 * with the API server's message; `where` is the list's path for it.
 */
export function itemElement(semantics: ListSemantics, item: unknown, index: number, where: () => string): string {
  if (semantics.type === 'set') return `v:${JSON.stringify(item)}`;
  if (semantics.type !== 'map') throw new TypeError('atomic lists have no item elements');
  const key: Record<string, unknown> = {};
  for (const k of semantics.keys) {
    const v = isPlainObject(item) && item[k] !== undefined ? item[k] : semantics.defaults[k];
    if (v === undefined) {
      throw new ApiStatusError(
        422,
        'Invalid',
        `${where()}: element ${index}: associative list with keys has an element that omits key field "${k}" (and doesn't have default value)`,
      );
    }
    key[k] = v;
  }
  return `k:${JSON.stringify(key)}`;
}

/** True when `element` (`k:` or `v:`) names this item of a list with these semantics; an item without its key fields names nothing. */
export function itemMatches(semantics: ListSemantics, item: unknown, element: string): boolean {
  if (semantics.type === 'set') return element === `v:${JSON.stringify(item)}`;
  if (semantics.type !== 'map' || !element.startsWith('k:') || !isPlainObject(item)) return false;
  const key = JSON.parse(element.slice(2)) as Record<string, unknown>;
  return semantics.keys.every((k) => JSON.stringify(item[k] ?? semantics.defaults[k]) === JSON.stringify(key[k]));
}
