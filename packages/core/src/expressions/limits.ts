import { ExpressionError } from '../errors';

/** Longest string an expression may produce or read (characters). */
export const MAX_STRING_LENGTH = 1024 * 1024;

/** Most elements of a list, or entries of a map, an expression may produce or read. */
export const MAX_LIST_LENGTH = 10_000;

/**
 * Largest value an expression may produce or read, counted as the characters
 * of its strings plus one per element, entry and scalar.
 */
export const MAX_VALUE_SIZE = 4 * 1024 * 1024;

/**
 * Throws `EXPRESSION_LIMIT` when a CEL value is over a limit: a string over
 * {@link MAX_STRING_LENGTH}, a list or map over {@link MAX_LIST_LENGTH}, or
 * the whole over {@link MAX_VALUE_SIZE}. Stops counting at the first excess,
 * so the check costs no more than the limits.
 *
 * @param what `produced` (a result) or `read` (a value in the context).
 */
export function checkValueSize(value: unknown, source: string, what: 'produced' | 'read'): void {
  const budget = { left: MAX_VALUE_SIZE };
  const excess = measure(value, budget, 0);
  if (excess) throw limitError(source, `${what} ${excess}`);
  if (budget.left < 0) throw limitError(source, `${what} a value larger than ${MAX_VALUE_SIZE.toLocaleString('en-US')} characters and elements in all`);
}

/** The `EXPRESSION_LIMIT` error for an expression that `did` something over a limit. */
export function limitError(source: string, did: string): ExpressionError {
  return new ExpressionError(source, `expression '${clip(source)}' ${did}; evaluation stopped`, { code: 'EXPRESSION_LIMIT' });
}

function measure(value: unknown, budget: { left: number }, depth: number): string | undefined {
  if (typeof value === 'string') {
    if (value.length > MAX_STRING_LENGTH)
      return `a string of ${value.length.toLocaleString('en-US')} characters (the limit is ${MAX_STRING_LENGTH.toLocaleString('en-US')})`;
    budget.left -= value.length;
    return undefined;
  }
  budget.left -= 1;
  if (typeof value !== 'object' || value === null || depth > 64 || budget.left < 0) return undefined;
  if (Array.isArray(value) || value instanceof Map || value instanceof Set) {
    const size = value instanceof Array ? value.length : value.size;
    if (size > MAX_LIST_LENGTH)
      return `a ${value instanceof Map ? 'map' : 'list'} of ${size.toLocaleString('en-US')} entries (the limit is ${MAX_LIST_LENGTH.toLocaleString('en-US')})`;
    for (const v of value instanceof Map ? mapParts(value) : value) {
      const excess = measure(v, budget, depth + 1);
      if (excess || budget.left < 0) return excess;
    }
    return undefined;
  }
  if (value instanceof Uint8Array) {
    budget.left -= value.length;
    return undefined;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return undefined;
  const keys = Object.keys(value);
  if (keys.length > MAX_LIST_LENGTH) return `a map of ${keys.length.toLocaleString('en-US')} entries (the limit is ${MAX_LIST_LENGTH.toLocaleString('en-US')})`;
  for (const k of keys) {
    budget.left -= k.length;
    const excess = measure((value as Record<string, unknown>)[k], budget, depth + 1);
    if (excess || budget.left < 0) return excess;
  }
  return undefined;
}

function* mapParts(map: Map<unknown, unknown>): Iterable<unknown> {
  for (const [k, v] of map) {
    yield k;
    yield v;
  }
}

function clip(source: string): string {
  return source.length > 60 ? `${source.slice(0, 57)}...` : source;
}
