import { describe, expect, it } from 'vitest';
import { markSensitive } from '../src/engine/step-runner';
import { isSensitive, reveal } from '../src/index';
import { MAX_VALUE_DEPTH } from '../src/sensitive/sensitive';

/** The first sensitive value found walking `value` key by key, with its path. */
function firstSensitive(value: unknown, path: string[] = []): { path: string[]; value: unknown } | undefined {
  if (isSensitive(value)) return { path, value };
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [k, v] of Object.entries(value)) {
    const found = firstSensitive(v, [...path, k]);
    if (found) return found;
  }
  return undefined;
}

/** A schema and a value nested `levels` objects deep under key `a`, the leaf a string the schema marks sensitive. */
function nested(levels: number): { schema: Record<string, unknown>; value: unknown } {
  let schema: Record<string, unknown> = { type: 'string', 'x-sensitive': true };
  let value: unknown = 'deep-secret';
  for (let n = 0; n < levels; n++) {
    schema = { type: 'object', properties: { a: schema } };
    value = { a: value };
  }
  return { schema, value };
}

describe('markSensitive: what an output schema marks', () => {
  it('gives back the very value, unwalked, when the schema marks nothing sensitive', () => {
    const value = { data: { username: 'app_user', list: [1, 2] } };
    const schema = { type: 'object', properties: { data: { type: 'object', additionalProperties: { type: 'string' } } } };
    expect(markSensitive(value, schema)).toBe(value);
    expect(firstSensitive(markSensitive(value, schema))).toBeUndefined();
  });

  it('wraps what a shallow x-sensitive marks, and only that', () => {
    const schema = { type: 'object', properties: { user: { type: 'string' }, password: { type: 'string', 'x-sensitive': true } } };
    const out = markSensitive({ user: 'app_user', password: 'hunter2' }, schema) as Record<string, unknown>;
    expect(out.user).toBe('app_user');
    expect(isSensitive(out.password)).toBe(true);
    expect(reveal(out.password)).toBe('hunter2');
  });

  it('still wraps a value whose x-sensitive lies deeper than the search goes', () => {
    const { schema, value } = nested(MAX_VALUE_DEPTH + 6);
    const found = firstSensitive(markSensitive(value, schema));
    expect(found).toBeDefined();
    expect(found?.path.every((k) => k === 'a')).toBe(true);
    expect(JSON.stringify(reveal(found?.value))).toContain('deep-secret');
  });

  it('keeps its answer per schema object: the same schema marks a second value alike', () => {
    const schema = { type: 'object', properties: { token: { type: 'string', 'x-sensitive': true } } };
    expect(isSensitive((markSensitive({ token: 'a' }, schema) as { token: unknown }).token)).toBe(true);
    expect(isSensitive((markSensitive({ token: 'b' }, schema) as { token: unknown }).token)).toBe(true);
  });
});
