import type { JSONSchemaProps } from '../crd/index';
import { atomicMap, fieldOf, itemElement, listSemantics, type ListSemantics } from './field-schema';
import { clone, isPlainObject } from './merge';

/**
 * A deep copy of `live` with `config` merged in as server-side apply does,
 * by the kind's schema: objects merge field by field; a set or map list
 * merges item by item (items matched by value or by their key fields, the
 * live order kept and the applied items placed in the order applied);
 * atomic lists and maps, untyped lists and scalars are replaced.
 */
export function applyMerge(live: unknown, config: unknown, schema: JSONSchemaProps | undefined): unknown {
  return mergeOwned(clone(live), config, schema, '');
}

/** {@link applyMerge} into `live`, which the caller owns (changed in place where it is an object). */
function mergeOwned(live: unknown, config: unknown, schema: JSONSchemaProps | undefined, path: string): unknown {
  if (Array.isArray(config) && Array.isArray(live)) {
    const semantics = listSemantics(schema?.items ? schema : undefined);
    if (semantics.type !== 'atomic') return mergeList(live, config, semantics, schema?.items, path);
  }
  if (!isPlainObject(config) || !isPlainObject(live) || atomicMap(schema)) return clone(config);
  for (const k in config) {
    const v = config[k];
    if (v !== undefined) live[k] = mergeOwned(live[k], v, fieldOf(schema, k).schema, `${path}.${k}`);
  }
  return live;
}

/** Two lists merged as the API server merges associative lists (its interleaving of the live and the applied order). */
function mergeList(live: unknown[], config: unknown[], semantics: ListSemantics, items: JSONSchemaProps | undefined, path: string): unknown[] {
  const index = (list: unknown[]) => {
    const keys: string[] = [];
    const byKey = new Map<string, unknown>();
    list.forEach((item, i) => {
      const key = itemElement(semantics, item, i, () => path);
      if (!byKey.has(key)) keys.push(key);
      byKey.set(key, item);
    });
    return { keys, byKey };
  };
  const l = index(live);
  const r = index(config);
  const shared = r.keys.filter((k) => l.byKey.has(k));
  let nextShared = shared.shift();
  const merged = new Set<string>();
  const out: unknown[] = [];
  let li = 0;
  let ri = 0;
  while (li < l.keys.length || ri < r.keys.length) {
    const lk = l.keys[li];
    if (lk !== undefined && ri < r.keys.length) {
      if (lk === r.keys[ri]) {
        merged.add(lk);
        out.push(mergeOwned(l.byKey.get(lk), r.byKey.get(lk), items, path));
        li++;
        ri++;
        nextShared = shared.shift();
        continue;
      }
      if (r.byKey.has(lk) && nextShared !== undefined && nextShared !== lk) {
        li++;
        continue;
      }
    }
    if (lk !== undefined) {
      if (!r.byKey.has(lk)) {
        out.push(l.byKey.get(lk));
        li++;
        continue;
      }
      if (merged.has(lk)) li++;
    }
    const rk = r.keys[ri];
    if (rk !== undefined) {
      merged.add(rk);
      out.push(l.byKey.has(rk) ? mergeOwned(l.byKey.get(rk), r.byKey.get(rk), items, path) : clone(r.byKey.get(rk)));
      ri++;
    }
  }
  return out;
}
