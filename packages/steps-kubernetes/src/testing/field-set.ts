import type { JSONSchemaProps } from '../crd/index';
import { atomicMap, fieldOf, itemElement, itemMatches, listSemantics } from './field-schema';
import { isPlainObject, jsonEqual } from './merge';

/**
 * A path to one owned field, as the JSON of its `fieldsV1` elements:
 * `["f:spec","f:containers","k:{\"name\":\"app\"}","f:image"]`. `f:` names
 * an object field, `k:` an item of a map list by its keys, `v:` an item of
 * a set list by its value.
 */
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
export type FieldScope = 'main' | 'status';

/** One node of an object as a comparison sees it: its value, and whether it is compared as a whole (a leaf). */
interface FieldNode {
  value: unknown;
  leaf: boolean;
}

/** Calls `visit(key, value, schema, path)` for each top-level field tracked in `scope`, with its schema (metadata: only fields a client sets). */
function eachTracked(
  object: Record<string, unknown>,
  schema: JSONSchemaProps | undefined,
  scope: FieldScope,
  visit: (value: unknown, field: { schema: JSONSchemaProps | undefined; declared: boolean }, open: string) => void,
): void {
  for (const key in object) {
    const value = object[key];
    if (key === 'apiVersion' || key === 'kind' || value === undefined) continue;
    if ((scope === 'main') === (key === 'status')) continue;
    const field = fieldOf(schema, key);
    if (key === 'metadata' && isPlainObject(value)) {
      // metadata itself is never owned, only fields in it.
      for (const m in value) {
        const v = value[m];
        if (!SERVER_METADATA.has(m) && v !== undefined) visit(v, fieldOf(field.schema, m), `["f:metadata",${JSON.stringify(`f:${m}`)}`);
      }
    } else visit(value, field, `[${JSON.stringify(`f:${key}`)}`);
  }
}

/**
 * The fields a server-side apply of `config` owns, as the API server
 * computes them from the applied configuration and the kind's schema: every
 * scalar, atomic list or map, empty or null value; every item of a set or
 * map list (`k:`/`v:`) and what is under it; a map entry that is not a
 * declared field (labels, data, untyped objects) besides what is under it.
 */
export function appliedFields(config: Record<string, unknown>, schema: JSONSchemaProps | undefined, scope: FieldScope): Set<FieldPathKey> {
  const out = new Set<FieldPathKey>();
  eachTracked(config, schema, scope, (value, field, open) => {
    collectApplied(value, field.schema, open, out);
    if (value === null || (isPlainObject(value) && isEmpty(value)) || !field.declared) out.add(`${open}]`);
  });
  return out;
}

function collectApplied(value: unknown, schema: JSONSchemaProps | undefined, open: string, out: Set<FieldPathKey>): void {
  if (Array.isArray(value)) {
    const semantics = listSemantics(schema?.items ? schema : undefined);
    if (semantics.type === 'atomic') {
      out.add(`${open}]`);
      return;
    }
    const seen = new Set<string>();
    value.forEach((item, i) => {
      const element = itemElement(semantics, item, i, () => pathString(`${open}]`));
      if (seen.has(element)) return;
      seen.add(element);
      const at = `${open},${JSON.stringify(element)}`;
      collectApplied(item, schema?.items, at, out);
      out.add(`${at}]`);
    });
    return;
  }
  if (!isPlainObject(value) || atomicMap(schema)) {
    out.add(`${open}]`);
    return;
  }
  for (const k in value) {
    const v = value[k];
    if (v === undefined) continue;
    const field = fieldOf(schema, k);
    const at = `${open},${JSON.stringify(`f:${k}`)}`;
    collectApplied(v, field.schema, at, out);
    if (v === null || (isPlainObject(v) && isEmpty(v)) || !field.declared) out.add(`${at}]`);
  }
}

/** Every tracked node of an object (objects, list items, leaves) by path, for comparing two versions of it. */
function nodes(object: Record<string, unknown> | undefined, schema: JSONSchemaProps | undefined, scope: FieldScope): Map<FieldPathKey, FieldNode> {
  const out = new Map<FieldPathKey, FieldNode>();
  if (object) eachTracked(object, schema, scope, (value, field, open) => collectNodes(value, field.schema, open, out));
  return out;
}

function collectNodes(value: unknown, schema: JSONSchemaProps | undefined, open: string, out: Map<FieldPathKey, FieldNode>): void {
  const key = `${open}]`;
  if (Array.isArray(value)) {
    const semantics = listSemantics(schema?.items ? schema : undefined);
    if (semantics.type === 'atomic' || value.length === 0) {
      out.set(key, { value, leaf: true });
      return;
    }
    out.set(key, { value, leaf: false });
    value.forEach((item, i) => {
      const element = itemElement(semantics, item, i, () => pathString(key));
      const at = `${open},${JSON.stringify(element)}`;
      if (!out.has(`${at}]`)) collectNodes(item, schema?.items, at, out);
    });
    return;
  }
  if (!isPlainObject(value) || atomicMap(schema)) {
    out.set(key, { value, leaf: true });
    return;
  }
  out.set(key, { value, leaf: false });
  for (const k in value) if (value[k] !== undefined) collectNodes(value[k], fieldOf(schema, k).schema, `${open},${JSON.stringify(`f:${k}`)}`, out);
}

/** What changed between two versions of an object, as field paths (the API server's comparison). */
export interface Comparison {
  added: Set<FieldPathKey>;
  modified: Set<FieldPathKey>;
  removed: Set<FieldPathKey>;
}

/** Compares two versions of an object within a scope: nodes added and removed, leaves whose value changed. */
export function compareObjects(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown>,
  schema: JSONSchemaProps | undefined,
  scope: FieldScope,
): Comparison {
  const a = nodes(before, schema, scope);
  const b = nodes(after, schema, scope);
  const out: Comparison = { added: new Set(), modified: new Set(), removed: new Set() };
  for (const [key, node] of b) {
    const old = a.get(key);
    if (!old) out.added.add(key);
    else if ((node.leaf || old.leaf) && !jsonEqual(old.value, node.value)) out.modified.add(key);
  }
  for (const key of a.keys()) if (!b.has(key)) out.removed.add(key);
  return out;
}

/** Walks to the parent of the last element of a path; calls `at(container, element, schema)` there, or nothing when the path is not in the object. */
function locate<T>(
  object: unknown,
  key: FieldPathKey,
  schema: JSONSchemaProps | undefined,
  at: (container: unknown, element: string, schema: JSONSchemaProps | undefined, parents: Array<[unknown, string]>) => T,
): T | undefined {
  const path = JSON.parse(key) as string[];
  const parents: Array<[unknown, string]> = [];
  let node: unknown = object;
  let s = schema;
  for (let i = 0; i < path.length - 1; i++) {
    const next = child(node, path[i]!, s);
    if (!next) return undefined;
    parents.push([node, path[i]!]);
    node = next.value;
    s = next.schema;
  }
  return at(node, path[path.length - 1]!, s, parents);
}

/** The child of a node named by one path element, with its schema. */
function child(
  node: unknown,
  element: string,
  schema: JSONSchemaProps | undefined,
): { value: unknown; schema: JSONSchemaProps | undefined; index?: number } | undefined {
  if (element.startsWith('f:')) {
    if (!isPlainObject(node)) return undefined;
    const name = element.slice(2);
    return node[name] === undefined ? undefined : { value: node[name], schema: fieldOf(schema, name).schema };
  }
  if (!Array.isArray(node)) return undefined;
  const semantics = listSemantics(schema?.items ? schema : undefined);
  if (semantics.type === 'atomic') return undefined;
  const index = node.findIndex((item) => itemMatches(semantics, item, element));
  return index < 0 ? undefined : { value: node[index], schema: schema?.items, index };
}

/** The value at a path, or undefined. */
export function valueAt(object: unknown, key: FieldPathKey, schema: JSONSchemaProps | undefined): unknown {
  return locate(object, key, schema, (container, element, s) => child(container, element, s)?.value);
}

/** True for the path of a key field of a map list item (`...,"k:{\"name\":\"a\"}","f:name"]`): the item cannot lose it and stay. */
export function isItemKey(key: FieldPathKey): boolean {
  const path = JSON.parse(key) as string[];
  const parent = path[path.length - 2];
  const last = path[path.length - 1]!;
  return parent !== undefined && parent.startsWith('k:') && last.startsWith('f:') && last.slice(2) in (JSON.parse(parent.slice(2)) as object);
}

/** Removes the field or list item at a path (in place), and then the objects and lists it left empty. */
export function deleteAt(object: Record<string, unknown>, key: FieldPathKey, schema: JSONSchemaProps | undefined): void {
  locate(object, key, schema, (container, element, s, parents) => {
    const found = child(container, element, s);
    if (!found) return;
    removeChild(container, element, found.index);
    let emptied = container;
    for (let i = parents.length - 1; i >= 1 && isEmpty(emptied); i--) {
      const [parent, name] = parents[i]!;
      removeChild(parent, name, Array.isArray(parent) ? parent.indexOf(emptied) : undefined);
      emptied = parent;
    }
  });
}

function removeChild(container: unknown, element: string, index: number | undefined): void {
  if (Array.isArray(container)) container.splice(index!, 1);
  else if (isPlainObject(container)) delete container[element.slice(2)];
}

function isEmpty(value: unknown): boolean {
  return Array.isArray(value) ? value.length === 0 : isPlainObject(value) && Object.keys(value).length === 0;
}

/** `.spec.containers[name="app"].image`, as the API server names a field in an apply conflict. */
export function pathString(key: FieldPathKey): string {
  return (JSON.parse(key) as string[])
    .map((e) => {
      const body = e.slice(2);
      if (e.startsWith('f:')) return `.${body}`;
      if (e.startsWith('v:')) return `[=${body}]`;
      if (e.startsWith('i:')) return `[${body}]`;
      const fields = Object.entries(JSON.parse(body) as Record<string, unknown>).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
      return `[${fields.join(',')}]`;
    })
    .join('');
}

/** True when `key` is `prefix` or a path under it. */
export function isUnder(key: FieldPathKey, prefix: FieldPathKey): boolean {
  return key === prefix || key.startsWith(`${prefix.slice(0, -1)},`);
}

/**
 * A field set as `fieldsV1`: a tree of path elements where a path in the set
 * with nothing under it is `{}`, and one with paths under it says so with
 * `".": {}` (`{"f:spec":{"f:containers":{"k:{\"name\":\"a\"}":{".":{},"f:image":{}}}}}`).
 * The tree is shared by every set with the same paths: not to be changed.
 */
export function toFieldsV1(set: Set<FieldPathKey>): Record<string, unknown> {
  const sorted = [...set].sort();
  // Objects of one kind written alike own the same fields: their trees are made once and shared (stored trees are never changed).
  const id = sorted.join('\n');
  let tree = trees.get(id);
  if (!tree) {
    if (trees.size >= TREES_KEPT) trees.clear();
    tree = buildFieldsV1(sorted);
    trees.set(id, tree);
  }
  return tree;
}

/** Trees made by {@link toFieldsV1}, by their sorted paths. Emptied when full, so it stays small. */
const trees = new Map<string, Record<string, unknown>>();
const TREES_KEPT = 1_000;

/** The `fieldsV1` tree of sorted paths. */
function buildFieldsV1(sorted: readonly FieldPathKey[]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  const members: Array<Record<string, unknown>> = [];
  for (const key of sorted) {
    let at = root;
    for (const part of pathElements(key)) {
      if (!isPlainObject(at[part])) at[part] = {};
      at = at[part] as Record<string, unknown>;
    }
    members.push(at);
  }
  for (const node of members) if (Object.keys(node).length > 0) node['.'] = {};
  return sortTree(root);
}

/** Paths read by {@link pathElements}: objects of one kind share most of theirs. Emptied when full, so it stays small. */
const elements = new Map<FieldPathKey, readonly string[]>();
const ELEMENTS_KEPT = 10_000;

/** The elements of a path (its JSON read once and remembered; the array is shared, not to be changed). */
function pathElements(key: FieldPathKey): readonly string[] {
  let parts = elements.get(key);
  if (!parts) {
    if (elements.size >= ELEMENTS_KEPT) elements.clear();
    parts = JSON.parse(key) as string[];
    elements.set(key, parts);
  }
  return parts;
}

/** The tree with `.` first and the other keys sorted, as the API server writes it. */
function sortTree(tree: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (tree['.']) out['.'] = {};
  for (const k of Object.keys(tree).sort()) if (k !== '.') out[k] = sortTree(tree[k] as Record<string, unknown>);
  return out;
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
  let children = false;
  for (const k in tree) {
    if (k === '.') continue;
    children = true;
    const sub = tree[k];
    const next = `${open ? `${open},` : '['}${JSON.stringify(k)}`;
    readFieldsV1(isPlainObject(sub) ? sub : {}, next, out);
  }
  if (open && (!children || '.' in tree)) out.add(`${open}]`);
}
