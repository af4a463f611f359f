import { clone, isPlainObject, jsonEqual } from './merge';

/** A path to one owned field: object keys; lists are atomic, so a path never enters one. */
export type FieldPathKey = string;

const SERVER_METADATA = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
]);

/** Which part of an object a write may touch: everything but `status`, or only `status`. */
export type FieldScope = 'main' | 'status' | 'all';

/**
 * The leaf fields of an object that field ownership tracks, as JSON-encoded
 * key paths. Objects are walked into; lists, scalars and empty objects are
 * leaves. Identity and server-maintained metadata are left out, and so is
 * `status` (scope `main`) or everything but `status` (scope `status`).
 */
export function fieldSet(object: Record<string, unknown>, scope: FieldScope): Set<FieldPathKey> {
  const out = new Set<FieldPathKey>();
  for (const [key, value] of Object.entries(object)) {
    if (key === 'apiVersion' || key === 'kind' || value === undefined) continue;
    if (scope === 'main' && key === 'status') continue;
    if (scope === 'status' && key !== 'status') continue;
    if (key === 'metadata' && isPlainObject(value)) {
      for (const [m, v] of Object.entries(value)) if (!SERVER_METADATA.has(m) && v !== undefined) collect(v, `["metadata",${JSON.stringify(m)}`, out);
    } else collect(value, `[${JSON.stringify(key)}`, out);
  }
  return out;
}

/** Adds the leaves under `value`; `open` is the JSON of its path without the closing `]` (built up, not re-encoded per leaf). */
function collect(value: unknown, open: string, out: Set<FieldPathKey>): void {
  let leaf = true;
  if (isPlainObject(value)) {
    for (const k in value) {
      const v = value[k];
      if (v === undefined) continue;
      leaf = false;
      collect(v, `${open},${JSON.stringify(k)}`, out);
    }
  }
  if (leaf) out.add(`${open}]`);
}

/** The value at a path key, or undefined. */
export function valueAt(object: unknown, key: FieldPathKey): unknown {
  let at: unknown = object;
  for (const part of JSON.parse(key) as string[]) {
    if (!isPlainObject(at)) return undefined;
    at = at[part];
  }
  return at;
}

/** Removes the field at a path key (in place), and then parents it left empty. */
export function deleteAt(object: Record<string, unknown>, key: FieldPathKey): void {
  const path = JSON.parse(key) as string[];
  const parents: Record<string, unknown>[] = [];
  let at: unknown = object;
  for (const part of path.slice(0, -1)) {
    if (!isPlainObject(at)) return;
    parents.push(at);
    at = at[part];
  }
  if (!isPlainObject(at)) return;
  delete at[path[path.length - 1]!];
  for (let i = parents.length - 1; i >= 1 && Object.keys(at as object).length === 0; i--) {
    delete parents[i]![path[i]!];
    at = parents[i];
  }
}

/** True when the two values at a path key are equal. */
export function sameAt(a: unknown, b: unknown, key: FieldPathKey): boolean {
  return jsonEqual(valueAt(a, key), valueAt(b, key));
}

/** `.spec.teamId`, as the API server names a field in an apply conflict. */
export function conflictPath(key: FieldPathKey): string {
  return (JSON.parse(key) as string[]).map((p) => `.${p}`).join('');
}

/** A field set as `fieldsV1` (`{"f:spec":{".":{},"f:size":{}}}`), the format of `metadata.managedFields`. */
export function toFieldsV1(set: Set<FieldPathKey>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const key of set) {
    let at = root;
    const path = JSON.parse(key) as string[];
    path.forEach((part, i) => {
      const name = `f:${part}`;
      if (!isPlainObject(at[name])) at[name] = {};
      at = at[name] as Record<string, unknown>;
      if (i < path.length - 1 && !(i === 0 && part === 'metadata')) at['.'] = {};
    });
  }
  return root;
}

/** Field sets read from stored `fieldsV1` trees, which the store never changes once written. */
const parsed = new WeakMap<object, ReadonlySet<FieldPathKey>>();

/** The field set of a `fieldsV1` tree (inverse of {@link toFieldsV1}); a new set the caller may change. */
export function fromFieldsV1(tree: unknown): Set<FieldPathKey> {
  if (!isPlainObject(tree)) return new Set();
  let set = parsed.get(tree);
  if (!set) {
    const out = new Set<FieldPathKey>();
    readFieldsV1(tree, '', out);
    parsed.set(tree, out);
    set = out;
  }
  return new Set(set);
}

function readFieldsV1(tree: Record<string, unknown>, open: string, out: Set<FieldPathKey>): void {
  let leaf = true;
  for (const k in tree) {
    if (!k.startsWith('f:')) continue;
    leaf = false;
    const child = tree[k];
    const next = `${open ? `${open},` : '['}${JSON.stringify(k.slice(2))}`;
    if (isPlainObject(child)) readFieldsV1(child, next, out);
    else out.add(`${next}]`);
  }
  if (leaf && open) out.add(`${open}]`);
}

/** A deep copy of `live` with `config` merged in as server-side apply does: objects merge, lists and scalars replace. */
export function applyMerge(live: unknown, config: unknown): unknown {
  return mergeOwned(clone(live), config);
}

/** {@link applyMerge} into `live`, which the caller owns (changed in place where it is an object). */
function mergeOwned(live: unknown, config: unknown): unknown {
  if (!isPlainObject(config) || !isPlainObject(live)) return clone(config);
  for (const [k, v] of Object.entries(config)) if (v !== undefined) live[k] = mergeOwned(live[k], v);
  return live;
}
