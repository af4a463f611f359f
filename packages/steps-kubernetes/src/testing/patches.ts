import jsonPatchLibrary, { type Operation } from 'fast-json-patch';
import { ApiStatusError } from './api-status';
import { clone, isPlainObject } from './merge';

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

/** The merge key of a list for strategic merge: objects that all have a `name`. */
function mergeKey(items: unknown[]): string | undefined {
  return items.length > 0 && items.every((i) => isPlainObject(i) && typeof i.name === 'string') ? 'name' : undefined;
}

/**
 * A strategic merge patch (built-in kinds only) on a copy of `target`: like
 * a merge patch, but lists of named objects merge by `name`, and the
 * directives `$patch: delete|replace`, `$setElementOrder/<list>`,
 * `$retainKeys` and `$deleteFromPrimitiveList/<list>` are understood.
 */
export function strategicMerge(target: unknown, patch: unknown): unknown {
  return strategicOwned(clone(target), patch);
}

/** {@link strategicMerge} into `target`, which the caller owns (changed in place where it is an object). */
function strategicOwned(target: unknown, patch: unknown): unknown {
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
    if (value === null || (isPlainObject(value) && value.$patch === 'delete')) delete out[key];
    else if (Array.isArray(value)) out[key] = mergeList(out[key], value);
    else out[key] = strategicOwned(out[key], value);
  }
  if (retain) for (const key of Object.keys(out)) if (!retain.has(key)) delete out[key];
  return out;
}

function mergeList(current: unknown, patch: unknown[]): unknown[] {
  const live = Array.isArray(current) ? current : [];
  const key = mergeKey(patch.filter((p) => !(isPlainObject(p) && p.$patch === 'replace')));
  if (!key || (live.length > 0 && !mergeKey(live))) return clone(patch.filter((p) => !(isPlainObject(p) && p.$patch)));
  const out = live as Record<string, unknown>[];
  for (const item of patch as Record<string, unknown>[]) {
    const at = out.findIndex((o) => o[key] === item[key]);
    if (item.$patch === 'delete') {
      if (at >= 0) out.splice(at, 1);
    } else if (at >= 0) out[at] = strategicOwned(out[at], item) as Record<string, unknown>;
    else out.push(strategicOwned({}, item) as Record<string, unknown>);
  }
  return out;
}
