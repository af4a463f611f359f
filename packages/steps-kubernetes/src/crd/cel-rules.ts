import { Environment, Optional } from '@marcbachmann/cel-js';
import { forbidden, invalid, required, duplicate } from './causes';
import { isObject, jsonTypeOf } from './json-type';
import type { FieldCause, FieldPath, JSONSchemaProps, ValidationRule } from './types';

/** CEL as the API server evaluates `x-kubernetes-validations`: `self`, `oldSelf`, strict int/double typing. */
const environment = new Environment({
  enableOptionalTypes: true,
  homogeneousAggregateLiterals: false,
  limits: { maxAstNodes: 10_000, maxDepth: 100, maxListElements: 10_000, maxMapEntries: 10_000, maxCallArguments: 32 },
})
  .registerVariable('self', 'dyn')
  .registerVariable('oldSelf', 'dyn');

type Compiled = (context: Record<string, unknown>) => unknown;
const compiled = new Map<string, Compiled>();

/** Parses a rule (or message expression); throws the parser's error when it is not CEL. */
export function compileRule(expression: string): Compiled {
  let fn = compiled.get(expression);
  if (!fn) {
    const parsed = environment.parse(expression);
    fn = (context) => parsed(context);
    compiled.set(expression, fn);
  }
  return fn;
}

/** True when a rule reads `oldSelf` (a transition rule, checked on updates only). */
export function isTransitionRule(rule: ValidationRule): boolean {
  return /\boldSelf\b/.test(rule.rule);
}

/**
 * Evaluates a node's `x-kubernetes-validations` on `value` (and the stored
 * `old` value for transition rules); each failing rule is one cause at the
 * node's path (or its `fieldPath`), with the rule's message.
 */
export function checkRules(schema: JSONSchemaProps, value: unknown, path: FieldPath, old: unknown): FieldCause[] {
  const causes: FieldCause[] = [];
  const self = toCel(schema, value);
  for (const rule of schema['x-kubernetes-validations'] ?? []) {
    const transition = isTransitionRule(rule);
    if (transition && old === undefined && !rule.optionalOldSelf) continue;
    const oldSelf = old === undefined ? Optional.none() : rule.optionalOldSelf ? Optional.of(toCel(schema, old)) : toCel(schema, old);
    const context = { self, ...(transition ? { oldSelf } : {}) };
    const where = [...path, ...fieldPathOf(rule.fieldPath)];
    let result: unknown;
    try {
      result = compileRule(rule.rule)(context);
    } catch (err) {
      causes.push(invalid(where, jsonTypeOf(value), `${lowerFirst((err as Error).message.split('\n')[0]!)} evaluating rule: ${rule.rule}`));
      continue;
    }
    if (result === true) continue;
    causes.push(ruleCause(rule, where, jsonTypeOf(value), messageOf(rule, context)));
  }
  return causes;
}

function messageOf(rule: ValidationRule, context: Record<string, unknown>): string {
  if (rule.messageExpression) {
    try {
      const m = compileRule(rule.messageExpression)(context);
      if (typeof m === 'string' && m.trim()) return m;
    } catch {
      // A failing message expression falls back to the message, as on the API server.
    }
  }
  return rule.message ?? `failed rule: ${rule.rule}`;
}

function ruleCause(rule: ValidationRule, path: FieldPath, type: string, message: string): FieldCause {
  switch (rule.reason) {
    case 'FieldValueForbidden':
      return forbidden(path, message);
    case 'FieldValueRequired':
      return required(path, message);
    case 'FieldValueDuplicate':
      return { ...duplicate(path, type), message: `Duplicate value: ${JSON.stringify(type)}: ${message}` };
    default:
      return invalid(path, type, message);
  }
}

/** `.spec.replicas` or `.items['a.b']` → path parts. */
function fieldPathOf(fieldPath: string | undefined): string[] {
  if (!fieldPath) return [];
  const parts: string[] = [];
  const re = /\.([A-Za-z_$][\w$-]*)|\[['"]([^'"]*)['"]\]/gy;
  for (let m = re.exec(fieldPath); m; m = re.exec(fieldPath)) parts.push(m[1] ?? m[2]!);
  return parts;
}

/** A JSON value as CEL sees it: integers of `integer` fields are CEL ints (BigInt). */
function toCel(schema: JSONSchemaProps | undefined, value: unknown): unknown {
  if (typeof value === 'number') {
    const intField = schema?.type === 'integer' || schema?.['x-kubernetes-int-or-string'] || (!schema?.type && Number.isInteger(value));
    return intField && Number.isInteger(value) ? BigInt(value) : value;
  }
  if (Array.isArray(value)) return value.map((v) => toCel(schema?.items, v));
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const child = schema?.properties?.[k] ?? (isObject(schema?.additionalProperties) ? schema.additionalProperties : undefined);
      out[k] = toCel(child, v);
    }
    return out;
  }
  return value;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
