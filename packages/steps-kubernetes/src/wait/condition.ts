import { CelVariables, compileExpression, type CompiledExpression } from '@innominatus/core';
import { KubernetesError } from '../errors';

/** A deferred CEL condition over `object`, compiled once per step run. */
export interface Condition {
  field: 'successWhen' | 'failureWhen';
  source: string;
  expression: CompiledExpression;
}

/** Compiled conditions by source text, shared by steps waiting with the same condition. */
const cache = new Map<string, CompiledExpression>();
/** Most conditions kept compiled (oldest dropped first). */
const CACHE_LIMIT = 256;

/** Compiles a condition (cached by its text); a syntax error fails the step naming the field and where. */
export function compileCondition(field: Condition['field'], source: string): Condition {
  try {
    let expression = cache.get(source);
    if (!expression) {
      expression = compileExpression(source, ['object']);
      if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
      cache.set(source, expression);
    }
    return { field, source, expression };
  } catch (err) {
    throw new KubernetesError('K8S_EXPRESSION_INVALID', `${field}: ${(err as Error).message}`);
  }
}

/** An observed object converted for CEL once, for every condition checked on this observation. */
export function observation(object: unknown): CelVariables {
  return new CelVariables({ object });
}

/**
 * Evaluates a condition on an {@link observation}. An evaluation error
 * (usually a field the object does not have yet, e.g. no `status`) counts
 * as "not yet" and is returned for messages; a non-boolean result is a
 * mistake in the workflow and fails.
 */
export function evaluateCondition(c: Condition, observed: CelVariables): { value: boolean; error?: string } {
  let result: unknown;
  try {
    result = c.expression.evaluateWith(observed);
  } catch (err) {
    return { value: false, error: (err as Error).message };
  }
  if (typeof result !== 'boolean') {
    throw new KubernetesError(
      'K8S_EXPRESSION_INVALID',
      `${c.field} \`${c.source}\` must give true or false, but gave ${JSON.stringify(result)?.slice(0, 100)}`,
    );
  }
  return { value: result };
}
