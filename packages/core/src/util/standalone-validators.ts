import standaloneModule from 'ajv/dist/standalone/index.js';
import { makeCheckingAjv } from './ajv';

type Standalone = typeof standaloneModule;
const standaloneCode = ((standaloneModule as unknown as { default?: Standalone }).default ?? standaloneModule) as Standalone;

/**
 * The source of a module exporting, under each name, the validator of a
 * schema that `checkingValidatorFor` would compile at run time (ajv's
 * standalone code, compiled by the same ajv instance of static checks, so its
 * errors and the issues worded from them are the same). A build generates it
 * and hands each validator to `usePrecompiledValidator` (or
 * `checkAgainstSchema`). The code `require`s ajv's small run-time helpers
 * (`ucs2length`, ajv-formats' formats); the build that inlines it bundles them.
 *
 * @param schemas by export name: a schema object, or the id of a schema the
 * ajv instance holds (its meta-schema).
 * @param esm an ES module, else CommonJS.
 */
export function checkingValidatorsSource(schemas: Readonly<Record<string, object | string>>, esm: boolean): string {
  const ajv = makeCheckingAjv({ source: true, esm }, undefined);
  const refs: Record<string, string> = {};
  for (const [name, schema] of Object.entries(schemas)) {
    if (typeof schema === 'string') refs[name] = schema;
    else {
      ajv.addSchema(schema, name);
      refs[name] = name;
    }
  }
  return standaloneCode(ajv, refs);
}
