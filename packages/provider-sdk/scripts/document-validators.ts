import { checkingValidatorsSource } from '@innominatus/core/internal';
import providerSchema from '../schemas/provider.schema.json';
import workflowSchema from '../schemas/workflow.schema.json';

/**
 * The source of a module exporting `providerValidator` and
 * `workflowValidator`: ajv standalone code for the two document schemas,
 * compiled as core's `checkAgainstSchema` compiles them, so the errors (and
 * the diagnostics worded from them) are the same. The code `require`s ajv's
 * small run-time helpers (`ucs2length`); the build bundles them.
 *
 * @param esm an ES module (for the build) or CommonJS.
 */
export function documentValidatorsSource(esm: boolean): string {
  return checkingValidatorsSource({ providerValidator: providerSchema, workflowValidator: workflowSchema }, esm);
}
