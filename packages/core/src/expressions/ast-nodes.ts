/** A node of cel-js's parsed AST, as far as the walks over it need it. */
export interface AstNode {
  op: string;
  args: unknown;
  start?: number;
  end?: number;
  pos?: number;
  readonly meta?: {
    alternate?: AstNode;
    macro?: { val?: AstNode; exp?: AstNode };
  };
}

/** True when `value` is an AST node. */
export function isAstNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && typeof (value as { op?: unknown }).op === 'string';
}

/** The parts of a comprehension (what `map`, `filter`, `all`, `exists` expand to). */
export interface Comprehension {
  iterable: AstNode;
  init?: AstNode;
  step?: AstNode;
  condition?: AstNode;
}

/**
 * The nodes directly below `node`: for a macro call, the nodes of its
 * expansion (a comprehension's iterable, init, step and condition; `cel.bind`'s
 * value and body), else the nodes among its arguments.
 */
export function childNodes(node: AstNode): AstNode[] {
  const alternate = node.meta?.alternate;
  if (alternate) return [alternate];
  if (node.op === 'comprehension') {
    const c = node.args as Comprehension;
    return [c.iterable, c.init, c.step, c.condition].filter(isAstNode);
  }
  const macro = node.meta?.macro;
  if (macro && (isAstNode(macro.val) || isAstNode(macro.exp))) return [macro.val, macro.exp].filter(isAstNode);
  const out: AstNode[] = [];
  collect(node.args, out, 0);
  return out;
}

function collect(value: unknown, out: AstNode[], depth: number): void {
  if (isAstNode(value)) out.push(value);
  else if (Array.isArray(value) && depth < 3) for (const v of value) collect(v, out, depth + 1);
}
