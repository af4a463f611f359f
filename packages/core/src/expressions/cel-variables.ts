import { toCel } from './cel-values';

/** The converted values of each {@link CelVariables} (kept out of the class's API). */
const converted = new WeakMap<CelVariables, Record<string, unknown>>();

/**
 * Variables converted for CEL once, for several expressions evaluated over
 * the same values (e.g. a wait's failure and success conditions over one
 * observed object): {@link CompiledExpression.evaluateWith} takes them as
 * they are instead of converting the variables again for each expression.
 * The values must not change afterwards.
 *
 * @example
 * const vars = new CelVariables({ object });
 * if (failure.evaluateWith(vars) === true) fail();
 * else if (success.evaluateWith(vars) === true) done();
 */
export class CelVariables {
  constructor(variables: Record<string, unknown>) {
    converted.set(this, convert(variables));
  }
}

/** The CEL form of `variables`: as converted by a {@link CelVariables}, or converted now. */
export function celValuesOf(variables: Record<string, unknown> | CelVariables): Record<string, unknown> {
  return variables instanceof CelVariables ? converted.get(variables)! : convert(variables);
}

function convert(variables: Record<string, unknown>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(variables)) values[k] = toCel(v);
  return values;
}
