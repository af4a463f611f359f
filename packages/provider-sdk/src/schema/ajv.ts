import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; its default export arrives wrapped under some loaders.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

let shared: Ajv | undefined;

/** One ajv instance (all errors, formats) shared by the SDK's schema checks. */
export function sdkAjv(): Ajv {
  if (!shared) {
    shared = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true, verbose: true });
    addFormats(shared);
  }
  return shared;
}

const cache = new WeakMap<object, ValidateFunction>();

/** Compiles a schema once per schema object. */
export function compiled(schema: object): ValidateFunction {
  let v = cache.get(schema);
  if (!v) {
    v = sdkAjv().compile(schema);
    cache.set(schema, v);
  }
  return v;
}

/** ajv types used by the schema checks. */
export type { ErrorObject, ValidateFunction };
