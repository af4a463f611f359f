/**
 * One place an expression reads from its context, found statically.
 * `steps["db"].outputs.host` gives `{ root: 'steps', path: ['db', 'outputs', 'host'] }`.
 */
export interface Reference {
  /** The context variable: `parameters`, `vars`, `steps`, `resource`, `run` or a deferred variable. */
  root: string;
  /** Field names and literal indexes after the root, as far as they are known statically. */
  path: string[];
  /** False when the chain continues with a computed index (`vars.sizes[parameters.size]`): the path is a prefix. */
  complete: boolean;
  /** Read inside `has(...)` or with `.?`: absence is handled by the expression itself. */
  guarded: boolean;
  /** Offset of the reference's first character inside the expression text. */
  start: number;
  /** Offset just past the reference (the whole chain as written). */
  end: number;
}

interface AstNode {
  op: string;
  args: unknown;
  start?: number;
  pos?: number;
  end?: number;
}

function isNode(v: unknown): v is AstNode {
  return typeof v === 'object' && v !== null && typeof (v as AstNode).op === 'string' && 'args' in (v as object);
}

/** Lists the references of a parsed CEL AST whose root is one of `roots`. */
export function collectReferences(ast: unknown, roots: ReadonlySet<string>): Reference[] {
  const out: Reference[] = [];
  walk(ast, false, new Set(), out, roots);
  return out.sort((a, b) => a.start - b.start);
}

function walk(node: unknown, guarded: boolean, shadowed: Set<string>, out: Reference[], roots: ReadonlySet<string>): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, guarded, shadowed, out, roots);
    return;
  }
  if (!isNode(node)) return;
  if (CHAIN_OPS.has(node.op)) {
    const chain = toChain(node, guarded, shadowed, out, roots);
    if (chain) out.push(chain);
    return;
  }
  if ((node.op === 'call' || node.op === 'rcall') && Array.isArray(node.args)) {
    const [name] = node.args as unknown[];
    const isHas = node.op === 'call' && name === 'has';
    // Macros (map, filter, all, exists, exists_one) bind a variable that shadows nothing of ours
    // unless it takes a root's name; keep a set so that `steps.map(steps, ...)` is not misread.
    walk(node.args.slice(1), guarded || isHas, shadowed, out, roots);
    return;
  }
  walk(node.args, guarded, shadowed, out, roots);
}

const CHAIN_OPS = new Set(['id', '.', '.?', '[]', '[?]']);

function toChain(node: AstNode, guarded: boolean, shadowed: Set<string>, out: Reference[], roots: ReadonlySet<string>): Reference | undefined {
  if (node.op === 'id') {
    const name = node.args as string;
    if (!roots.has(name) || shadowed.has(name)) return undefined;
    return { root: name, path: [], complete: true, guarded, start: node.start ?? node.pos ?? 0, end: node.end ?? 0 };
  }
  const [target, key] = node.args as [unknown, unknown];
  const isIndex = node.op === '[]' || node.op === '[?]';
  // Only a chain of field and index accesses starting at a variable is a
  // reference; anything else (a call, a list, a ternary) is walked as usual.
  if (!isNode(target) || !CHAIN_OPS.has(target.op)) {
    walk(target, guarded, shadowed, out, roots);
    if (isIndex) walk(key, guarded, shadowed, out, roots);
    return undefined;
  }
  const optional = node.op === '.?' || node.op === '[?]';
  const base = toChain(target, guarded, shadowed, out, roots);
  if (!base) {
    if (isIndex) walk(key, guarded, shadowed, out, roots);
    return undefined;
  }
  const end = node.end ?? base.end;
  if (!base.complete) {
    if (isIndex) walk(key, guarded, shadowed, out, roots);
    return { ...base, end };
  }
  if (!isIndex) {
    return { ...base, path: [...base.path, String(key)], guarded: base.guarded || optional, end };
  }
  if (isNode(key) && key.op === 'value' && (typeof key.args === 'string' || typeof key.args === 'bigint')) {
    return { ...base, path: [...base.path, String(key.args)], guarded: base.guarded || optional, end };
  }
  walk(key, guarded, shadowed, out, roots);
  return { ...base, complete: false, end };
}

/** The reference as CEL text, e.g. `steps["db"].outputs.host`. */
export function formatReference(ref: Pick<Reference, 'root' | 'path'>): string {
  let s = ref.root;
  ref.path.forEach((p, i) => {
    s += (ref.root === 'steps' && i === 0) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(p) ? `[${JSON.stringify(p)}]` : `.${p}`;
  });
  return s;
}
