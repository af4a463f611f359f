import { hasBrand, setBrand } from '../util/brand';
import { toCel } from './cel-values';

/** The brand of every CelVariables, shared by all copies of this package through the global symbol registry. */
const BRAND = Symbol.for('innominatus.cel-variables');
// The converted values live under a registry symbol, not in this copy's own
// storage, so that variables made by another copy of this package (its ESM
// and CommonJS builds, two versions in one tree) are read as they are.
const VALUES = Symbol.for('innominatus.cel-variables.values');

/**
 * Variables converted for CEL once, for several expressions evaluated over
 * the same values (e.g. a wait's failure and success conditions over one
 * observed object): {@link CompiledExpression.evaluateWith} takes them as
 * they are instead of converting the variables again for each expression.
 * The values must not change afterwards. Recognised by brand, not
 * `instanceof`, so variables of another copy of `@innominatus/core` work too.
 *
 * @example
 * const vars = new CelVariables({ object });
 * if (failure.evaluateWith(vars) === true) fail();
 * else if (success.evaluateWith(vars) === true) done();
 */
export class CelVariables {
  constructor(variables: Record<string, unknown>) {
    setBrand(this, BRAND);
    Object.defineProperty(this, VALUES, { value: convert(variables) });
  }
}

/** The CEL form of `variables`: as converted by a {@link CelVariables} (of any copy of this package), or converted now. */
export function celValuesOf(variables: Record<string, unknown> | CelVariables): Record<string, unknown> {
  return hasBrand(variables, BRAND)
    ? (variables as unknown as Record<symbol, Record<string, unknown>>)[VALUES]!
    : convert(variables as Record<string, unknown>);
}

function convert(variables: Record<string, unknown>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(variables)) values[k] = toCel(v);
  return values;
}
