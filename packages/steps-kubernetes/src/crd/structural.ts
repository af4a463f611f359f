import { forbidden, invalid, required } from './causes';
import { compileRule } from './cel-rules';
import { isObject } from './json-type';
import { pruneAndDefault } from './prune';
import type { FieldCause, FieldPath, JSONSchemaProps } from './types';
import { validateValue } from './validate-value';

const UNSUPPORTED = ['$ref', '$schema', 'id', 'definitions', 'dependencies', 'patternProperties', 'additionalItems'];
const NOT_IN_JUNCTORS = [
  'type',
  'default',
  'additionalProperties',
  'nullable',
  'description',
  'title',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-embedded-resource',
];

/**
 * The API server's structural-schema rules for a version's `openAPIV3Schema`
 * at `path`: every node has a type (unless int-or-string or preserving
 * unknown fields), no `$ref` and friends, nothing but value checks inside
 * allOf/anyOf/oneOf/not, patterns and CEL rules that compile, and defaults
 * that are valid and survive pruning.
 */
export function structuralProblems(schema: unknown, path: FieldPath): FieldCause[] {
  const causes: FieldCause[] = [];
  if (!isObject(schema)) return [required(path)];
  if (schema.type !== 'object') causes.push(invalid([...path, 'type'], schema.type ?? '', 'must be object at the root'));
  walk(schema as JSONSchemaProps, path, causes, false);
  return causes;
}

function walk(s: JSONSchemaProps, path: FieldPath, causes: FieldCause[], inJunctor: boolean): void {
  for (const k of UNSUPPORTED) if (s[k] !== undefined) causes.push(forbidden([...path, k], `${k} is not supported`));
  if (inJunctor) {
    for (const k of NOT_IN_JUNCTORS) {
      if (s[k] !== undefined && !(k === 'type' && isIntOrStringBranch(s)))
        causes.push(forbidden([...path, k], 'must not be specified inside logical junctors'));
    }
  } else if (!s.type && !s['x-kubernetes-int-or-string'] && !s['x-kubernetes-preserve-unknown-fields']) {
    causes.push(required([...path, 'type'], 'must not be empty for specified object fields'));
  }
  if (s['x-kubernetes-int-or-string'] && s.type) causes.push(forbidden([...path, 'type'], 'must be empty if x-kubernetes-int-or-string is true'));
  if (s.properties && s.additionalProperties !== undefined && s.additionalProperties !== false) {
    causes.push(forbidden([...path, 'additionalProperties'], 'additionalProperties and properties are mutual exclusive'));
  }
  if (s.pattern !== undefined) checkPattern(s.pattern, [...path, 'pattern'], causes);
  for (const [i, rule] of (s['x-kubernetes-validations'] ?? []).entries()) checkRule(rule.rule, [...path, 'x-kubernetes-validations', i, 'rule'], causes);
  for (const [key, child] of Object.entries(s.properties ?? {})) walk(child, [...path, 'properties', key], causes, inJunctor);
  if (isObject(s.additionalProperties)) walk(s.additionalProperties as JSONSchemaProps, [...path, 'additionalProperties'], causes, inJunctor);
  if (s.items) walk(s.items, [...path, 'items'], causes, inJunctor);
  for (const j of ['allOf', 'anyOf', 'oneOf'] as const) for (const [i, sub] of (s[j] ?? []).entries()) walk(sub, [...path, j, i], causes, true);
  if (s.not) walk(s.not, [...path, 'not'], causes, true);
  if (s.default !== undefined && !inJunctor) checkDefault(s, path, causes);
}

function isIntOrStringBranch(s: JSONSchemaProps): boolean {
  return s.type === 'integer' || s.type === 'string';
}

function checkPattern(pattern: string, path: FieldPath, causes: FieldCause[]): void {
  try {
    new RegExp(pattern, 'u');
  } catch (err) {
    causes.push(invalid(path, pattern, `must be a valid regular expression: ${(err as Error).message}`));
  }
}

function checkRule(rule: string, path: FieldPath, causes: FieldCause[]): void {
  try {
    compileRule(rule);
  } catch (err) {
    causes.push(invalid(path, rule, `compilation failed: ${(err as Error).message.split('\n')[0]}`));
  }
}

function checkDefault(s: JSONSchemaProps, path: FieldPath, causes: FieldCause[]): void {
  const unknown: FieldPath[] = [];
  const pruned = pruneAndDefault(s, s.default, [], unknown);
  if (unknown.length) causes.push(invalid([...path, 'default'], s.default, 'must not have unknown fields'));
  const found: FieldCause[] = [];
  validateValue(s, pruned, ['default'], found);
  for (const c of found) causes.push({ ...c, path: [...path, ...c.path], field: '' });
}
