import { Ajv, type CodeOptions, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { draft07MetaValidator } from './meta-schema-validator';

const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => void;

/** Annotation keywords our schemas may carry. */
const SCHEMA_KEYWORDS = ['x-sensitive', 'x-deferred', 'x-expression'] as const;

/**
 * The ajv options of validators for static checks. Their errors carry the
 * failing schema (`verbose`), which `schemaIssues` needs. Their code is not
 * optimised: they run once per document, and ajv's optimisation passes cost
 * more at start-up (about a tenth of a CLI's cold validation) than they save
 * on one document. Validators generated ahead of time (ajv standalone) are
 * compiled by {@link makeCheckingAjv} too.
 */
const CHECKING_AJV_OPTIONS = {
  allErrors: true,
  strict: false,
  useDefaults: false,
  allowUnionTypes: true,
  verbose: true,
  code: { optimize: false },
} as const;

/**
 * A validator of one schema generated ahead of time by ajv's standalone mode
 * (see `checkingValidatorsSource`): a function that returns whether a value
 * is valid and leaves ajv's errors in `errors`.
 */
export interface PrecompiledValidator {
  (value: unknown): boolean;
  errors?: readonly object[] | null;
}

/** The id of JSON Schema draft-07's meta-schema, which ajv checks every schema it compiles against. */
export const DRAFT_07_META_SCHEMA = 'http://json-schema.org/draft-07/schema';

/** Run-time validators (step inputs, parameters) run on every step and keep ajv's optimisations. */
function makeAjv(useDefaults: boolean): Ajv {
  return withKeywords(new Ajv({ allErrors: true, strict: false, useDefaults, allowUnionTypes: true }));
}

/**
 * The ajv instance of static checks ({@link CHECKING_AJV_OPTIONS}, the
 * formats and {@link SCHEMA_KEYWORDS}). It checks each schema against the
 * draft-07 meta-schema with `metaValidator` when given (the build generates
 * one, see meta-schema-validator.ts) instead of compiling the meta-schema on
 * first use, about a tenth of a CLI's cold validation.
 *
 * @param code extra code options (the generators of standalone code set `source`).
 */
export function makeCheckingAjv(code: CodeOptions = {}, metaValidator: PrecompiledValidator | undefined = draft07MetaValidator): Ajv {
  const ajv = withKeywords(new Ajv({ ...CHECKING_AJV_OPTIONS, code: { ...CHECKING_AJV_OPTIONS.code, ...code } }));
  const meta = ajv.schemas[DRAFT_07_META_SCHEMA];
  if (metaValidator && meta) meta.validate = metaValidator as ValidateFunction;
  return ajv;
}

function withKeywords(ajv: Ajv): Ajv {
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
 * you mean" and unions. Cached by schema identity; the one generated ahead of
 * time for a schema object when {@link usePrecompiledValidator} gave one.
 */
export function checkingValidatorFor(schema: object): ValidateFunction {
  let v = cacheChecking.get(schema);
  if (!v) {
    checking ??= makeCheckingAjv();
    v = checking.compile(schema);
    cacheChecking.set(schema, v);
  }
  return v;
}

/**
 * Makes `validate`, generated ahead of time from `schema` by
 * `checkingValidatorsSource`, the validator {@link checkingValidatorFor}
 * returns for that schema object, so that it is never compiled at run time.
 */
export function usePrecompiledValidator(schema: object, validate: PrecompiledValidator): void {
  cacheChecking.set(schema, validate as ValidateFunction);
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
