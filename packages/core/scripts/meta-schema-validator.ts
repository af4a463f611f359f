import { DRAFT_07_META_SCHEMA } from '../src/util/ajv';
import { checkingValidatorsSource } from '../src/util/standalone-validators';

/**
 * The source of the module the build puts in place of
 * src/util/meta-schema-validator.ts: ajv standalone code of the draft-07
 * meta-schema, compiled as the ajv instance of static checks compiles it.
 *
 * @param esm an ES module (for the build) or CommonJS.
 */
export function metaSchemaValidatorSource(esm: boolean): string {
  return checkingValidatorsSource({ draft07MetaValidator: DRAFT_07_META_SCHEMA }, esm);
}
