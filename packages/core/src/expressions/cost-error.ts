import { ExpressionError } from '../errors';
import type { CostExcess } from './cost';
import { anchorOf, type CelNode } from './error-anchor';
import { MAX_LIST_LENGTH } from './limits';
import { MAX_EXPRESSION_COST } from './cost';

/**
 * The `EXPRESSION_COST` error for an expression whose estimate is over a
 * limit: the value built over a size limit, or the steps over
 * {@link MAX_EXPRESSION_COST}, with the offset of the operation at fault.
 */
export function costError(source: string, excess: CostExcess): ExpressionError {
  const offset = anchorOf(excess.node as CelNode, source);
  const n = (v: number) => v.toLocaleString('en-US');
  if (excess.size) {
    const { kind, size, limit } = excess.size;
    const what =
      kind === 'list'
        ? `a list of up to ${n(size)} elements`
        : kind === 'map'
          ? `a map of up to ${n(size)} entries`
          : kind === 'string'
            ? `a string of up to ${n(size)} characters`
            : `a value of up to ${n(size)} characters and elements in all`;
    return new ExpressionError(source, `expression '${clip(source)}' builds ${what} at character ${offset + 1}; the limit is ${n(limit)}`, {
      code: 'EXPRESSION_COST',
      offset,
    });
  }
  const why = excess.unbounded ? ` (a list of unknown size counts as ${n(MAX_LIST_LENGTH)} elements, the most one may hold)` : '';
  return new ExpressionError(
    source,
    `expression '${clip(source)}' may take ${n(excess.cost)} evaluation steps at character ${offset + 1}${why}; the limit is ${n(MAX_EXPRESSION_COST)}: nest fewer comprehensions`,
    { code: 'EXPRESSION_COST', offset },
  );
}

function clip(source: string): string {
  return source.length > 60 ? `${source.slice(0, 57)}...` : source;
}
