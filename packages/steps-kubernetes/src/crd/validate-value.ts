import { duplicate, invalid, notSupported, required, tooLong, tooMany, typeInvalid } from './causes';
import { checkRules } from './cel-rules';
import { formatPath } from './field-path';
import { formatHolds } from './formats';
import { isObject, jsonTypeOf } from './json-type';
import { jsonEqual } from './json-equal';
import type { FieldCause, FieldPath, JSONSchemaProps } from './types';

const patterns = new Map<string, RegExp>();
function regex(pattern: string): RegExp {
  let r = patterns.get(pattern);
  if (!r) {
    r = new RegExp(pattern, 'u');
    patterns.set(pattern, r);
  }
  return r;
}

/** `spec.replicas in body`: where a message says the problem is (made only for a message, not for every value checked). */
const where = (path: FieldPath) => `${formatPath(path)} in body`;

/** Where the walk is: the validator's own stack of keys (see {@link validateValue}). */
type PathStack = Array<string | number>;

/** No such value (absent, as opposed to `null`). */
const ABSENT = undefined;

/**
 * Checks `value` against a structural schema like the API server does for
 * custom resources, appending one {@link FieldCause} per problem: first the
 * schema, then (unless a value has the wrong type, which blocks them, as on
 * the API server) the `x-kubernetes-validations` CEL rules. `old` is the
 * value stored before an update (for `oldSelf`). Fields of the value in
 * `accepted` (known to hold: taken from an object this schema accepted) are
 * not checked again, unless the schema has CEL rules or a composition at
 * its root (which may look at them). The walk keeps its place on a stack of
 * its own (a copy of `path`): a field's key is pushed while its value is
 * checked and popped after, and a cause copies it, instead of a new path
 * array for every field of every object written.
 */
export function validateValue(
  schema: JSONSchemaProps,
  value: unknown,
  path: FieldPath,
  causes: FieldCause[],
  old: unknown = ABSENT,
  accepted?: ReadonlySet<string>,
): void {
  const found: FieldCause[] = [];
  const rules = hasRules(schema);
  const skipped = accepted && !rules && !schema.allOf && !schema.anyOf && !schema.oneOf && !schema.not ? accepted : undefined;
  const stack = [...path];
  walk(schema, value, stack, found, old, false, skipped);
  causes.push(...found);
  if (!rules) return;
  if (found.some((c) => c.reason === 'FieldValueTypeInvalid')) {
    causes.push({
      ...invalid([], null, 'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation'),
      field: '',
    });
    return;
  }
  walk(schema, value, stack, causes, old, true);
}

/** Whether a schema has CEL rules anywhere, remembered per schema object (schemas are not changed once loaded). */
const withRules = new WeakMap<JSONSchemaProps, boolean>();

function hasRules(s: JSONSchemaProps | undefined): boolean {
  if (!s) return false;
  let known = withRules.get(s);
  if (known === undefined) {
    known =
      Boolean(s['x-kubernetes-validations']?.length) ||
      Object.values(s.properties ?? {}).some(hasRules) ||
      (isObject(s.additionalProperties) && hasRules(s.additionalProperties as JSONSchemaProps)) ||
      hasRules(s.items);
    withRules.set(s, known);
  }
  return known;
}

/** One pass: the schema's checks, or (`rules`) only its CEL rules. */
function walk(
  schema: JSONSchemaProps,
  value: unknown,
  path: PathStack,
  causes: FieldCause[],
  old: unknown,
  rules: boolean,
  skipped?: ReadonlySet<string>,
): void {
  if (value === null && schema.nullable) return;
  if (rules) {
    if (schema['x-kubernetes-validations']?.length) causes.push(...checkRules(schema, value, path, old));
    if (Array.isArray(value)) checkArray(schema, value, path, causes, old, rules);
    else if (isObject(value)) checkObject(schema, value, path, causes, old, rules);
    return;
  }
  if (!typeHolds(schema, value, path, causes)) return;
  if (schema.enum && !schema.enum.some((e) => jsonEqual(e, value))) causes.push(notSupported(path, value, schema.enum));
  if (typeof value === 'string') checkString(schema, value, path, causes);
  else if (typeof value === 'number') checkNumber(schema, value, path, causes);
  else if (Array.isArray(value)) checkArray(schema, value, path, causes, old, rules);
  else if (isObject(value)) checkObject(schema, value, path, causes, old, rules, skipped);
  checkComposition(schema, value, path, causes, old);
}

function typeHolds(schema: JSONSchemaProps, value: unknown, path: FieldPath, causes: FieldCause[]): boolean {
  const actual = jsonTypeOf(value);
  if (schema['x-kubernetes-int-or-string']) {
    if (actual === 'integer' || actual === 'string') return true;
    causes.push(typeInvalid(path, actual, `${where(path)} must be of type integer,string: "${actual}"`));
    return false;
  }
  if (!schema.type || schema.type === actual || (schema.type === 'number' && actual === 'integer')) return true;
  causes.push(typeInvalid(path, actual, `${where(path)} must be of type ${schema.type}: "${actual}"`));
  return false;
}

function checkString(s: JSONSchemaProps, v: string, path: FieldPath, causes: FieldCause[]): void {
  // In code points, counted only for a schema with bounds.
  const length = s.maxLength !== undefined || s.minLength !== undefined ? [...v].length : 0;
  if (s.maxLength !== undefined && length > s.maxLength) causes.push(tooLong(path, s.maxLength));
  if (s.minLength !== undefined && length < s.minLength) causes.push(invalid(path, v, `${where(path)} should be at least ${s.minLength} chars long`));
  if (s.pattern !== undefined && !regex(s.pattern).test(v)) causes.push(invalid(path, v, `${where(path)} should match '${s.pattern}'`));
  if (s.format && !formatHolds(s.format, v)) causes.push(invalid(path, v, `${where(path)} must be of type ${s.format}: ${JSON.stringify(v)}`));
}

function checkNumber(s: JSONSchemaProps, v: number, path: FieldPath, causes: FieldCause[]): void {
  if (s.minimum !== undefined && (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum)) {
    causes.push(invalid(path, v, `${where(path)} should be greater than ${s.exclusiveMinimum ? '' : 'or equal to '}${s.minimum}`));
  }
  if (s.maximum !== undefined && (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum)) {
    causes.push(invalid(path, v, `${where(path)} should be less than ${s.exclusiveMaximum ? '' : 'or equal to '}${s.maximum}`));
  }
  if (s.multipleOf !== undefined && !Number.isInteger(v / s.multipleOf))
    causes.push(invalid(path, v, `${where(path)} should be a multiple of ${s.multipleOf}`));
  if (s.format && !formatHolds(s.format, v)) causes.push(invalid(path, v, `${where(path)} must be of type ${s.format}: ${JSON.stringify(v)}`));
}

function checkArray(s: JSONSchemaProps, v: unknown[], path: PathStack, causes: FieldCause[], old: unknown, rules: boolean): void {
  if (!rules) checkArrayBounds(s, v, path, causes);
  if (!s.items) return;
  const oldItems = Array.isArray(old) && s['x-kubernetes-list-type'] === 'map' ? old : [];
  v.forEach((item, i) => {
    const before = oldItems.find((o) => jsonEqual(listIdentity(s, o), listIdentity(s, item)));
    walkAt(s.items!, item, path, i, causes, before, rules);
  });
}

function listIdentity(s: JSONSchemaProps, item: unknown): unknown {
  const keys = s['x-kubernetes-list-map-keys'] ?? [];
  return s['x-kubernetes-list-type'] === 'map' && isObject(item) ? keys.map((k) => item[k]) : item;
}

function checkArrayBounds(s: JSONSchemaProps, v: unknown[], path: FieldPath, causes: FieldCause[]): void {
  if (s.maxItems !== undefined && v.length > s.maxItems) causes.push(tooMany(path, v.length, s.maxItems));
  if (s.minItems !== undefined && v.length < s.minItems) causes.push(invalid(path, v, `${where(path)} should have at least ${s.minItems} items`));
  const listType = s['x-kubernetes-list-type'];
  if (s.uniqueItems || listType === 'set' || listType === 'map') {
    const seen: unknown[] = [];
    v.forEach((item, i) => {
      const id = listIdentity(s, item);
      if (seen.some((earlier) => jsonEqual(earlier, id))) causes.push(duplicate([...path, i], id));
      seen.push(id);
    });
  }
}

/** {@link walk} of the value at `key`, with `key` on top of the `path` stack while it runs. */
function walkAt(schema: JSONSchemaProps, value: unknown, path: PathStack, key: string | number, causes: FieldCause[], old: unknown, rules: boolean): void {
  path.push(key);
  walk(schema, value, path, causes, old, rules);
  path.pop();
}

/** An object's checks; its fields in `skipped` are not walked (known to hold). */
function checkObject(
  s: JSONSchemaProps,
  v: Record<string, unknown>,
  path: PathStack,
  causes: FieldCause[],
  old: unknown,
  rules: boolean,
  skipped?: ReadonlySet<string>,
): void {
  const before = isObject(old) ? old : {};
  if (!rules) for (const key of s.required ?? []) if (v[key] === undefined) causes.push(required([...path, key]));
  for (const [key, child] of declaredIn(s, v)) if (!skipped?.has(key)) walkAt(child, v[key], path, key, causes, before[key], rules);
  if (isObject(s.additionalProperties)) {
    for (const [key, child] of Object.entries(v))
      if (!skipped?.has(key)) walkAt(s.additionalProperties as JSONSchemaProps, child, path, key, causes, before[key], rules);
  }
  if (rules) return;
  const count = Object.keys(v).length;
  if (s.maxProperties !== undefined && count > s.maxProperties) causes.push(tooMany(path, count, s.maxProperties));
  if (s.minProperties !== undefined && count < s.minProperties)
    causes.push(invalid(path, v, `${where(path)} should have at least ${s.minProperties} properties`));
}

/** Each schema's declared properties in its order, with their places, remembered per schema object. */
const declared = new WeakMap<JSONSchemaProps, Map<string, [number, JSONSchemaProps]>>();

/**
 * The declared properties `v` has (not undefined) with their schemas, in the
 * schema's order (the order of the causes): read from `v`'s own keys when it
 * has fewer than the schema declares (a Pod's spec sets a few of its dozens).
 */
function declaredIn(s: JSONSchemaProps, v: Record<string, unknown>): Array<[string, JSONSchemaProps]> {
  if (!s.properties) return [];
  let order = declared.get(s);
  if (!order) {
    order = new Map(Object.entries(s.properties).map(([key, child], i) => [key, [i, child]]));
    declared.set(s, order);
  }
  const found: Array<[number, string, JSONSchemaProps]> = [];
  const keys = Object.keys(v);
  if (keys.length < order.size) {
    for (const key of keys) {
      const at = order.get(key);
      if (at && v[key] !== undefined) found.push([at[0], key, at[1]]);
    }
    if (found.length > 1) found.sort((a, b) => a[0] - b[0]);
  } else for (const [key, [i, child]] of order) if (v[key] !== undefined) found.push([i, key, child]);
  return found.map(([, key, child]) => [key, child]);
}

function checkComposition(s: JSONSchemaProps, v: unknown, path: PathStack, causes: FieldCause[], old: unknown): void {
  if (!s.allOf && !s.anyOf && !s.oneOf && !s.not) return;
  const run = (sub: JSONSchemaProps) => {
    const found: FieldCause[] = [];
    walk(sub, v, path, found, old, false);
    return found;
  };
  for (const sub of s.allOf ?? []) causes.push(...run(sub));
  if (s.anyOf?.length) {
    const results = s.anyOf.map(run);
    if (!results.some((r) => r.length === 0)) {
      causes.push(invalid(path, v, `${where(path)} must validate at least one schema (anyOf)`), ...results[0]!);
    }
  }
  if (s.oneOf?.length) {
    const passing = s.oneOf.map(run).filter((r) => r.length === 0).length;
    if (passing !== 1) causes.push(invalid(path, v, `${where(path)} must validate one and only one schema (oneOf)`));
  }
  if (s.not && run(s.not).length === 0) causes.push(invalid(path, v, `${where(path)} must not validate the schema (not)`));
}
