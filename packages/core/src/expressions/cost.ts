import { type AstNode, childNodes, type Comprehension, isAstNode } from './ast-nodes';
import { MAX_LIST_LENGTH } from './limits';

/**
 * Most evaluation steps an expression may take, estimated before it runs.
 * Every node costs one step; a comprehension (`map`, `filter`, `all`,
 * `exists`, `exists_one`) costs its body once per element.
 */
export const MAX_EXPRESSION_COST = 1_000_000;

/** The estimate of an expression that is over {@link MAX_EXPRESSION_COST}. */
export interface CostExcess {
  /** Estimated steps of the whole expression. */
  cost: number;
  /** The macro call whose body, run once per element, pushes the estimate over the limit. */
  node: AstNode;
  /** True when some list iterated has no size known before the run. */
  unbounded: boolean;
}

interface Estimate {
  steps: number;
  /** Elements of the list the node produces, when known. */
  length?: number;
}

/**
 * Estimates the steps of a parsed expression. A list literal has its own
 * length; what `map` and `filter` make has at most their input's; any other
 * list (a parameter, a step output) is taken at {@link MAX_LIST_LENGTH}, the
 * most an expression may iterate over at run time.
 *
 * @returns the excess, or undefined when the expression is within the limit.
 */
export function excessCost(root: AstNode): CostExcess | undefined {
  const state = { culprit: undefined as AstNode | undefined, unbounded: false };
  const total = estimate(root, state).steps;
  if (total <= MAX_EXPRESSION_COST) return undefined;
  return { cost: total, node: state.culprit ?? root, unbounded: state.unbounded };
}

interface State {
  culprit: AstNode | undefined;
  unbounded: boolean;
}

function estimate(node: AstNode, state: State): Estimate {
  const alternate = node.meta?.alternate;
  if (alternate?.op === 'comprehension') {
    const result = comprehension(alternate.args as Comprehension, state);
    if (result.steps > MAX_EXPRESSION_COST && !state.culprit) state.culprit = node;
    return result;
  }
  if (node.op === 'list' && Array.isArray(node.args)) {
    return { steps: 1 + sum(node.args.filter(isAstNode), state), length: node.args.length };
  }
  return { steps: 1 + sum(childNodes(node), state) };
}

function comprehension(c: Comprehension, state: State): Estimate {
  const iterable = estimate(c.iterable, state);
  if (iterable.length === undefined) state.unbounded = true;
  const n = iterable.length ?? MAX_LIST_LENGTH;
  const body = (c.step ? estimate(c.step, state).steps : 0) + (c.condition ? estimate(c.condition, state).steps : 0);
  const init = c.init ? estimate(c.init, state).steps : 0;
  return { steps: 1 + iterable.steps + init + n * Math.max(body, 1), length: n };
}

function sum(nodes: AstNode[], state: State): number {
  let total = 0;
  for (const n of nodes) total += estimate(n, state).steps;
  return total;
}
