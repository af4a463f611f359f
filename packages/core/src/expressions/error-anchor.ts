import { RE2_MATCHES } from './regex';

/** A node of cel-js's AST, as far as error positions need it. */
export interface CelNode {
  op: string;
  args: unknown;
  start?: number;
  end?: number;
  pos?: number;
}

const BINARY = new Set(['==', '!=', '<', '<=', '>', '>=', '+', '-', '*', '/', '%', 'in', '||', '&&']);

/** Where to point for an error at `node`: the operator, the method name, the `?` of a ternary, the index. */
export function anchorOf(node: CelNode, source: string): number {
  const start = node.start ?? node.pos ?? 0;
  const args = node.args as CelNode[] | [string, CelNode, CelNode[]];
  const between = (text: string, from: number | undefined, to: number | undefined): number | undefined => {
    if (from === undefined) return undefined;
    const i = source.indexOf(text, from);
    return i >= 0 && (to === undefined || i < to) ? i : undefined;
  };
  if (BINARY.has(node.op) && Array.isArray(args) && args.length === 2) {
    const [l, r] = args as [CelNode, CelNode];
    return between(node.op, l.end, r.start) ?? start;
  }
  if (node.op === 'rcall' && Array.isArray(args)) {
    const [name, receiver] = args as [string, CelNode];
    return between(name === RE2_MATCHES ? 'matches' : name, receiver.end, undefined) ?? start;
  }
  if (node.op === '?:' && Array.isArray(args)) {
    const [cond, yes] = args as [CelNode, CelNode];
    return between('?', cond.end, yes.start) ?? start;
  }
  if ((node.op === '.' || node.op === '.?') && Array.isArray(args)) {
    const [target, field] = args as [CelNode, string];
    return between(String(field), target.end, undefined) ?? start;
  }
  if ((node.op === '[]' || node.op === '[?]') && Array.isArray(args)) {
    const [target] = args as [CelNode];
    return between('[', target.end, undefined) ?? start;
  }
  return start;
}
