import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => void;

/** Annotation keywords our schemas may carry. */
export const SCHEMA_KEYWORDS = ['x-sensitive', 'x-deferred', 'x-expression'] as const;

/**
 * The ajv options of validators for static checks. Their errors carry the
 * failing schema (`verbose`), which `schemaIssues` needs. Their code is not
 * optimised: they run once per document, and ajv's optimisation passes cost
 * more at start-up (about a tenth of a CLI's cold validation) than they save
 * on one document. A validator generated ahead of time (ajv standalone) for
 * {@link checkAgainstSchema} must be compiled with these options and
 * {@link SCHEMA_KEYWORDS}.
 */
export const CHECKING_AJV_OPTIONS = {
  allErrors: true,
  strict: false,
  useDefaults: false,
  allowUnionTypes: true,
  verbose: true,
  code: { optimize: false },
} as const;

/** Run-time validators (step inputs, parameters) run on every step and keep ajv's optimisations. */
function makeAjv(useDefaults: boolean, checking = false): Ajv {
  const ajv = new Ajv(checking ? CHECKING_AJV_OPTIONS : { allErrors: true, strict: false, useDefaults, allowUnionTypes: true });
  addFormats(ajv);
  for (const k of SCHEMA_KEYWORDS) ajv.addKeyword({ keyword: k, schemaType: ['boolean', 'string', 'array', 'object'] });
  return ajv;
}

// Each instance is made on first use: a process that only validates
// documents (the SDK's CLI) never makes the run-time ones.
let withDefaults: Ajv | undefined;
let plain: Ajv | undefined;
let checking: Ajv | undefined;
const cache = new WeakMap<object, ValidateFunction>();
const cachePlain = new WeakMap<object, ValidateFunction>();
const cacheChecking = new WeakMap<object, ValidateFunction>();

/** A compiled validator for a schema, cached by schema identity. `defaults` fills in `default` values. */
export function validatorFor(schema: object, defaults = false): ValidateFunction {
  const map = defaults ? cache : cachePlain;
  let v = map.get(schema);
  if (!v) {
    if (defaults) withDefaults ??= makeAjv(true);
    else plain ??= makeAjv(false);
    v = (defaults ? withDefaults : plain)!.compile(schema);
    map.set(schema, v);
  }
  return v;
}

/**
 * A validator for static checks (validating documents, not run-time values):
 * its errors carry the failing schema, which `schemaIssues` needs for "did
 * you mean" and unions. Cached by schema identity.
 */
export function checkingValidatorFor(schema: object): ValidateFunction {
  let v = cacheChecking.get(schema);
  if (!v) {
    checking ??= makeAjv(false, true);
    v = checking.compile(schema);
    cacheChecking.set(schema, v);
  }
  return v;
}

/** One line per ajv error: `/spec/replicas must be >= 1`. */
export function describeAjvErrors(errors: ErrorObject[] | null | undefined, root = 'input'): string[] {
  return (errors ?? []).map((e) => {
    const where = e.instancePath || `/`;
    if (e.keyword === 'additionalProperties')
      return `${where === '/' ? root : where} has unknown field '${(e.params as { additionalProperty: string }).additionalProperty}'`;
    if (e.keyword === 'required')
      return `${where === '/' ? root : where} is missing required field '${(e.params as { missingProperty: string }).missingProperty}'`;
    if (e.keyword === 'enum')
      return `${where} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    return `${where} ${e.message ?? 'is invalid'}`;
  });
}

const interned = new Map<string, object>();

/**
 * One object per distinct schema (by its JSON text), so that schemas built
 * afresh (a parameter's, per workflow) share one compiled validator.
 */
export function internSchema<T extends object>(schema: T): T {
  const key = JSON.stringify(schema);
  let o = interned.get(key);
  if (!o) {
    if (interned.size >= 2000) interned.clear();
    o = schema;
    interned.set(key, o);
  }
  return o as T;
}
