import type { ErrorObject } from 'ajv';
import { ParameterError, type ParameterIssue } from '../errors';
import type { ParameterSpec } from '../model/workflow';
import { containsSensitive, revealAll, sensitive } from '../sensitive/sensitive';
import { validatorFor } from '../util/ajv';
import { pointerOf, pointerSegments, valueAtPointer } from '../util/json-pointer';

const SPEC_ONLY_KEYS = new Set(['name', 'required', 'sensitive']);

/**
 * The JSON Schema of one declared parameter's value: the declaration without
 * `name`, `sensitive` and our `required: true` (JSON Schema's `required: [..]`,
 * the fields an object parameter needs, is kept).
 */
export function parameterValueSchema(p: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const schema: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) if (!SPEC_ONLY_KEYS.has(k)) schema[k] = v;
  if (Array.isArray(p.required)) schema.required = p.required;
  return schema;
}

/**
 * The JSON Schema of a workflow's parameters list: one property each, unknown
 * parameters rejected. The list is taken as the workflow analysis accepted it
 * (named, each name once).
 */
export function parameterSchema(params: readonly ParameterSpec[] = []): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const p of params) {
    properties[p.name] = parameterValueSchema(p);
    if (p.required === true) required.push(p.name);
  }
  return { type: 'object', properties, required, additionalProperties: false };
}

/**
 * Validates parameter values against the declaration: types, enums, patterns,
 * required, unknown names; fills in defaults; wraps parameters declared
 * `sensitive` (and values passed in as sensitive) as sensitive values.
 *
 * @throws ParameterError listing every problem, each naming its parameter.
 */
export function validateParameters(
  schema: Record<string, unknown>,
  specs: readonly ParameterSpec[] = [],
  input: Record<string, unknown> = {},
): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ParameterError([{ parameter: '(all)', message: 'must be given as an object of name: value' }]);
  }
  const secret = new Set(specs.filter((s) => s.sensitive).map((s) => s.name));
  // A parameter holding a sensitive value anywhere inside is sensitive as a whole.
  for (const [k, v] of Object.entries(input)) if (containsSensitive(v)) secret.add(k);
  let values: Record<string, unknown>;
  try {
    values = structuredClone(revealAll(input)) as Record<string, unknown>;
  } catch {
    throw new ParameterError([{ parameter: '(all)', message: 'must be plain data (strings, numbers, booleans, lists and maps)' }]);
  }
  const validate = validatorFor(schema, true);
  if (!validate(values)) {
    throw new ParameterError(issuesFrom(validate.errors ?? [], values, secret));
  }
  for (const k of secret) if (k in values) values[k] = sensitive(values[k]);
  return values;
}

function issuesFrom(errors: ErrorObject[], values: Record<string, unknown>, secret: Set<string>): ParameterIssue[] {
  const issues: ParameterIssue[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    let parameter: string;
    let message: string;
    const [first, ...rest] = pointerSegments(e.instancePath);
    const sub = rest.length ? ` at ${pointerOf(rest)}` : '';
    if (e.keyword === 'required' && first === undefined) {
      parameter = (e.params as { missingProperty: string }).missingProperty;
      message = 'is required';
    } else if (e.keyword === 'additionalProperties' && first === undefined) {
      parameter = (e.params as { additionalProperty: string }).additionalProperty;
      message = 'is not declared by this workflow';
    } else if (e.keyword === 'required' || e.keyword === 'additionalProperties') {
      parameter = first!;
      message =
        e.keyword === 'required'
          ? `is missing field '${(e.params as { missingProperty: string }).missingProperty}'${sub}`
          : `has unknown field '${(e.params as { additionalProperty: string }).additionalProperty}'${sub}`;
    } else {
      parameter = first ?? '(all)';
      const value = secret.has(parameter) ? '' : ` (got ${JSON.stringify(valueAtPointer(values, e.instancePath))})`;
      message =
        e.keyword === 'enum'
          ? `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}${sub}${value}`
          : `${e.message ?? 'is invalid'}${sub}${value}`;
    }
    const key = `${parameter}\u0000${message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push({ parameter, message });
    }
  }
  return issues;
}
