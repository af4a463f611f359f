import type { StepDefinition, StepRegistry } from '@innominatus/core';
import { workflowSchema } from './schemas';

/** A `${{ }}` expression: where a workflow may write one instead of any value of a step input. */
const EXPRESSION = { type: 'string', pattern: '\\$\\{\\{', description: 'a ${{ }} expression, checked by provider-sdk validate' } as const;

const SUBSCHEMA_MAPS = ['properties', 'patternProperties', 'definitions', '$defs'] as const;
// `not`, `if` and `propertyNames` are left as they are: an expression there would turn their meaning around.
const SUBSCHEMAS = ['additionalProperties', 'items', 'additionalItems', 'contains', 'then', 'else'] as const;
const SUBSCHEMA_LISTS = ['anyOf', 'oneOf', 'allOf', 'items'] as const;

/**
 * A step input schema as an editor should check a `with:` block written in
 * YAML: every value may also be a `${{ }}` string (its type is known only
 * once rendered, which `provider-sdk validate` checks), except in deferred
 * fields, which are CEL by themselves. The engine's own keywords (`x-...`)
 * are left out.
 */
export function editorInputSchema(step: StepDefinition): Record<string, unknown> {
  const input = withoutEngineKeywords(JSON.parse(JSON.stringify(step.input))) as Record<string, unknown>;
  const top = expressionsAllowed(input, 0) as Record<string, unknown>;
  const inner = (top.anyOf as Record<string, unknown>[])[0]!;
  const props = (inner.properties ?? {}) as Record<string, unknown>;
  for (const field of Object.keys(step.deferred))
    if (input.properties && field in (input.properties as object)) props[field] = (input.properties as Record<string, unknown>)[field];
  // `with` itself is a mapping: the whole block cannot be one expression.
  return { ...inner, ...(step.description ? { description: step.description } : {}) };
}

function expressionsAllowed(schema: unknown, depth: number): unknown {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema) || depth > 64) return schema;
  const s: Record<string, unknown> = { ...(schema as Record<string, unknown>) };
  for (const key of SUBSCHEMA_MAPS) {
    if (typeof s[key] === 'object' && s[key] !== null) {
      s[key] = Object.fromEntries(Object.entries(s[key] as Record<string, unknown>).map(([k, v]) => [k, expressionsAllowed(v, depth + 1)]));
    }
  }
  for (const key of SUBSCHEMAS) if (typeof s[key] === 'object' && !Array.isArray(s[key])) s[key] = expressionsAllowed(s[key], depth + 1);
  for (const key of SUBSCHEMA_LISTS) if (Array.isArray(s[key])) s[key] = (s[key] as unknown[]).map((v) => expressionsAllowed(v, depth + 1));
  return { anyOf: [s, EXPRESSION] };
}

function withoutEngineKeywords(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutEngineKeywords);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).flatMap(([k, v]) => (k.startsWith('x-') ? [] : [[k, withoutEngineKeywords(v)]])));
}

/**
 * The workflow JSON Schema for editors (yaml-language-server and the like):
 * the shape of a workflow file, plus, for each step type of `steps`, its
 * input schema on `with:` when `type:` names it, so an editor completes and
 * checks step inputs. `type:` must be one of the given step types.
 */
export function workflowSchemaWithSteps(steps: StepRegistry): Record<string, unknown> {
  const schema = JSON.parse(JSON.stringify(workflowSchema)) as Record<string, any>;
  const item = schema.properties.steps.items as Record<string, any>;
  const types = steps.list().map((s) => s.type);
  item.properties.type = { type: 'string', enum: types, description: 'the step type (those loaded: the Kubernetes steps and --steps modules)' };
  item.allOf = steps.list().map((step) => ({
    if: { properties: { type: { const: step.type } }, required: ['type'] },
    // biome-ignore lint/suspicious/noThenProperty: a JSON Schema keyword
    then: { properties: { with: editorInputSchema(step) } },
  }));
  // The onFailure steps are steps like the others.
  schema.properties.onFailure.items = item;
  return schema;
}
