import { CHECKING_AJV_OPTIONS, SCHEMA_KEYWORDS } from '@innominatus/core/internal';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import standaloneModule from 'ajv/dist/standalone/index.js';
import providerSchema from '../schemas/provider.schema.json';
import workflowSchema from '../schemas/workflow.schema.json';

type Standalone = typeof standaloneModule;
const standaloneCode = ((standaloneModule as unknown as { default?: Standalone }).default ?? standaloneModule) as Standalone;
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => void;

/**
 * The source of a module exporting `providerValidator` and
 * `workflowValidator`: ajv standalone code for the two document schemas,
 * compiled with the options core's `checkAgainstSchema` compiles them with,
 * so the errors (and the diagnostics worded from them) are the same. The code
 * `require`s ajv's small run-time helpers (`ucs2length`); the build bundles
 * them.
 *
 * @param esm an ES module (for the build) or CommonJS.
 */
export function documentValidatorsSource(esm: boolean): string {
  const ajv = new Ajv({ ...CHECKING_AJV_OPTIONS, code: { ...CHECKING_AJV_OPTIONS.code, source: true, esm } });
  addFormats(ajv);
  for (const k of SCHEMA_KEYWORDS) ajv.addKeyword({ keyword: k, schemaType: ['boolean', 'string', 'array', 'object'] });
  ajv.addSchema(providerSchema, 'provider');
  ajv.addSchema(workflowSchema, 'workflow');
  return standaloneCode(ajv, { providerValidator: 'provider', workflowValidator: 'workflow' });
}
