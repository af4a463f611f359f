import jsonPatchLibrary, { type Operation } from 'fast-json-patch';
import { ApiStatusError } from './api-status';
import type { JSONSchemaProps } from '../crd/index';
import { fieldOf } from './field-schema';
import { clone, isPlainObject, jsonEqual } from './merge';

/**
 * RFC 7386 JSON merge patch on a copy of `target` (nothing of `target` is
 * shared with the result): objects merge, `null` removes, anything else replaces.
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  return mergeOwned(clone(target), patch);
}

/** {@link mergePatch} into `target`, which the caller owns (changed in place where it is an object). */
function mergeOwned(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return clone(patch);
  const out: Record<string, unknown> = isPlainObject(target) ? target : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergeOwned(out[key], value);
  }
  return out;
}

/** RFC 6902 JSON patch on a copy of `target`; a bad or failing operation is 422, as on the API server. */
export function jsonPatch(target: Record<string, unknown>, operations: unknown): Record<string, unknown> {
  if (!Array.isArray(operations)) throw new ApiStatusError(400, 'BadRequest', 'a JSON patch must be a list of operations');
  try {
    const result = jsonPatchLibrary.applyPatch(clone(target), operations as Operation[], true, false).newDocument;
    if (!isPlainObject(result)) throw new Error('the patch does not leave an object');
    return result;
  } catch (err) {
    const e = err as { message: string; name?: string };
    throw new ApiStatusError(422, 'Invalid', `the server rejected our request due to an error in our request: ${e.message.split('\n')[0]}`);
  }
}

/**
 * A strategic merge patch (built-in kinds only) on a copy of `target`: like
 * a merge patch, but a list whose schema says `x-kubernetes-patch-strategy:
 * merge` merges item by item (objects by their
 * `x-kubernetes-patch-merge-key`, scalars as a union) and every other list
 * is replaced, as the API server does from the kind's schema; the directives
 * `$patch: delete|replace`, `$setElementOrder/<list>`, `$retainKeys` and
 * `$deleteFromPrimitiveList/<list>` are understood.
 */
export function strategicMerge(target: unknown, patch: unknown, schema: JSONSchemaProps | undefined): unknown {
  return strategicOwned(clone(target), patch, schema);
}

/** {@link strategicMerge} into `target`, which the caller owns (changed in place where it is an object). */
function strategicOwned(target: unknown, patch: unknown, schema: JSONSchemaProps | undefined): unknown {
  if (!isPlainObject(patch)) return clone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _p, ...rest } = patch;
    return clone(rest);
  }
  const out: Record<string, unknown> = isPlainObject(target) ? target : {};
  const retain = Array.isArray(patch.$retainKeys) ? new Set(patch.$retainKeys as string[]) : undefined;
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$retainKeys' || key === '$patch' || key.startsWith('$setElementOrder/')) continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const list = key.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(out[list]) && Array.isArray(value)) out[list] = (out[list] as unknown[]).filter((v) => !value.includes(v));
      continue;
    }
    const child = fieldOf(schema, key).schema;
    if (value === null || (isPlainObject(value) && value.$patch === 'delete')) delete out[key];
    else if (Array.isArray(value)) out[key] = mergeList(out[key], value, child);
    else out[key] = strategicOwned(out[key], value, child);
  }
  if (retain) for (const key of Object.keys(out)) if (!retain.has(key)) delete out[key];
  return out;
}

function mergeList(current: unknown, patch: unknown[], schema: JSONSchemaProps | undefined): unknown[] {
  const strategy = String(schema?.['x-kubernetes-patch-strategy'] ?? '').split(',');
  const items = patch.filter((p) => !(isPlainObject(p) && p.$patch));
  if (!strategy.includes('merge')) return clone(items);
  const live = Array.isArray(current) ? current : [];
  const key = schema?.['x-kubernetes-patch-merge-key'];
  if (typeof key !== 'string') return [...live, ...clone(patch).filter((v) => !live.some((l) => jsonEqual(l, v)))];
  const out = live as Record<string, unknown>[];
  for (const item of patch as Record<string, unknown>[]) {
    if (!isPlainObject(item)) continue;
    const at = out.findIndex((o) => isPlainObject(o) && o[key] === item[key]);
    if (item.$patch === 'delete') {
      if (at >= 0) out.splice(at, 1);
    } else if (at >= 0) out[at] = strategicOwned(out[at], item, schema?.items) as Record<string, unknown>;
    else if (item.$patch !== 'replace') out.push(strategicOwned({}, item, schema?.items) as Record<string, unknown>);
  }
  return out;
}
