import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => void;

/** Annotation keywords our schemas may carry. */
export const SCHEMA_KEYWORDS = ['x-sensitive', 'x-deferred', 'x-expression'] as const;

function makeAjv(useDefaults: boolean): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, useDefaults, allowUnionTypes: true });
  addFormats(ajv);
  for (const k of SCHEMA_KEYWORDS) ajv.addKeyword({ keyword: k, schemaType: ['boolean', 'string', 'array', 'object'] });
  return ajv;
}

const withDefaults = makeAjv(true);
const plain = makeAjv(false);
const cache = new WeakMap<object, ValidateFunction>();
const cachePlain = new WeakMap<object, ValidateFunction>();

/** A compiled validator for a schema, cached by schema identity. `defaults` fills in `default` values. */
export function validatorFor(schema: object, defaults = false): ValidateFunction {
  const map = defaults ? cache : cachePlain;
  let v = map.get(schema);
  if (!v) {
    v = (defaults ? withDefaults : plain).compile(schema);
    map.set(schema, v);
  }
  return v;
}

/** One line per ajv error: `/spec/replicas must be >= 1`. */
export function describeAjvErrors(errors: ErrorObject[] | null | undefined, root = 'input'): string[] {
  return (errors ?? []).map((e) => {
    const where = e.instancePath || `/`;
    if (e.keyword === 'additionalProperties') return `${where === '/' ? root : where} has unknown field '${(e.params as { additionalProperty: string }).additionalProperty}'`;
    if (e.keyword === 'required') return `${where === '/' ? root : where} is missing required field '${(e.params as { missingProperty: string }).missingProperty}'`;
    if (e.keyword === 'enum') return `${where} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    return `${where} ${e.message ?? 'is invalid'}`;
  });
}
