import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../src/config/config-schema';
import { scoreSchema } from '../src/score/score-schema';

// The host compiles these schemas without checking them against the meta-schema (work every start would repeat):
// this is that check.
describe("the host's own JSON Schemas", () => {
  it.each([
    ['configuration', configSchema],
    ['Score', scoreSchema],
  ])('the %s schema is a valid JSON Schema (draft-07 meta-schema)', (_name, schema) => {
    const ajv = new Ajv({ strict: false });
    expect(ajv.validateSchema(schema), ajv.errorsText(ajv.errors)).toBe(true);
  });

  it('the check finds a schema that is not valid', () => {
    const ajv = new Ajv({ strict: false });
    expect(ajv.validateSchema({ type: 'object', properties: { port: { type: 'integer', maximum: 'big' } } })).toBe(false);
    expect(ajv.errorsText(ajv.errors)).toContain('maximum');
  });
});
