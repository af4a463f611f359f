import { type AstNode, childNodes, type Comprehension, isAstNode } from './ast-nodes';
import { MAX_LIST_LENGTH, MAX_STRING_LENGTH, MAX_VALUE_SIZE } from './limits';

/**
 * Most evaluation steps an expression may take, estimated before it runs.
 * Every node costs one step; a comprehension (`map`, `filter`, `all`,
 * `exists`, `exists_one`) costs its body once per element; joining two
 * lists of known size costs one step per element.
 */
export const MAX_EXPRESSION_COST = 1_000_000;

/** A value the estimate knows is built over a size limit (see `limits`). */
export interface SizeExcess {
  /** `list` (elements), `map` (entries), `string` (characters), or `value` (characters and elements in all). */
  kind: 'list' | 'map' | 'string' | 'value';
  /** The most it may hold, by the estimate. */
  size: number;
  /** The limit it is over. */
  limit: number;
}

/** The estimate of an expression that is over {@link MAX_EXPRESSION_COST}, or builds a value over a size limit. */
export interface CostExcess {
  /** Estimated steps of the whole expression. */
  cost: number;
  /**
   * The node at fault: the macro call whose body, run once per element,
   * pushes the estimate over the limit, or the first operation that builds a
   * value over a size limit.
   */
  node: AstNode;
  /** True when some list iterated has no size known before the run. */
  unbounded: boolean;
  /** Set when the excess is the size of a value `node` builds. */
  size?: SizeExcess;
}

/**
 * The size of a value, as far as it is known before the run (from literals,
 * through `+`, `cel.bind`, `?:`, `map`, `filter` and the string and list
 * functions, and from the vars whose sizes the analysis knows). Other values
 * read from the context have no known size: the run-time limits bound them.
 */
export interface ValueSize {
  kind: 'list' | 'map' | 'string';
  /** Elements of a list, entries of a map, characters of a string. */
  length: number;
  /** Characters and elements in all (as the run-time limit counts them), when known. */
  total?: number;
  /** For a string: true when it is known to hold only ASCII characters (one UTF-8 byte each). */
  ascii?: boolean;
  /**
   * True when the size is only an upper bound: the value may be smaller (what
   * `filter`, `split` on a separator, `trim`, a branch of `?:` build). Such a
   * value is never refused for its size before the run (the run-time limits
   * hold it); it still counts toward the steps of what iterates over it.
   */
  upTo?: boolean;
}

type Size = ValueSize;

/** Sizes of the vars known before an expression runs, by name (what `vars.NAME` holds). */
export type KnownSizes = ReadonlyMap<string, ValueSize>;

const NO_SIZES: KnownSizes = new Map();

interface Estimate {
  steps: number;
  size?: Size;
}

interface State {
  vars: KnownSizes;
  culprit: AstNode | undefined;
  unbounded: boolean;
  size?: { node: AstNode; excess: SizeExcess };
}

/** The sizes of the names `cel.bind` has bound (and comprehension variables, which hide them). */
type Bindings = ReadonlyMap<string, Size | undefined>;

const NO_BINDINGS: Bindings = new Map();

/**
 * Estimates the steps of a parsed expression and the sizes of the values it
 * builds. A list literal has its own length; what `map` and `filter` make
 * has at most their input's; `a + b` of known sizes has their sum; a name
 * bound by `cel.bind` has its value's size; `vars.NAME` has the size in
 * `vars`, when given. Any other list (a parameter, a step output) is
 * iterated at {@link MAX_LIST_LENGTH}, the most an expression may iterate
 * over at run time.
 *
 * @returns the excess (a value over a size limit first, else steps over the
 * limit), or, when the expression is within the limits, the size of its
 * value when known (e.g. for the vars read after this one).
 */
export function estimateCost(root: AstNode, vars: KnownSizes = NO_SIZES): { excess?: CostExcess; size?: ValueSize } {
  const state: State = { vars, culprit: undefined, unbounded: false };
  const result = estimate(root, NO_BINDINGS, state);
  const total = result.steps;
  if (state.size) return { excess: { cost: total, node: state.size.node, unbounded: false, size: state.size.excess } };
  if (total > MAX_EXPRESSION_COST) return { excess: { cost: total, node: state.culprit ?? root, unbounded: state.unbounded } };
  return result.size ? { size: result.size } : {};
}

function estimate(node: AstNode, bound: Bindings, state: State): Estimate {
  const alternate = node.meta?.alternate;
  if (alternate?.op === 'comprehension') {
    const result = comprehension(alternate.args as Comprehension, bound, state);
    if (result.steps > MAX_EXPRESSION_COST && !state.culprit) state.culprit = node;
    return checked(node, result, state);
  }
  const bind = bindOf(node);
  if (bind) {
    const value = estimate(bind.val, bound, state);
    const body = estimate(bind.exp, new Map([...bound, [bind.var, value.size]]), state);
    return { steps: 1 + value.steps + body.steps, ...(body.size ? { size: body.size } : {}) };
  }
  // Another macro's expansion: its steps only.
  if (alternate) return { steps: 1 + sum(childNodes(node), bound, state) };
  switch (node.op) {
    case 'value':
      return typeof node.args === 'string' ? { steps: 1, size: text(node.args.length, isAscii(node.args)) } : { steps: 1 };
    case 'id': {
      const size = typeof node.args === 'string' ? bound.get(node.args) : undefined;
      return size ? { steps: 1, size } : { steps: 1 };
    }
    case 'list':
      return list(node, bound, state);
    case 'map':
      return mapLiteral(node, bound, state);
    case '.':
    case '[]':
      return member(node, bound, state);
    case 'rcall':
    case 'call':
      return functionCall(node, bound, state);
    case '+':
      return concatenation(node, bound, state);
    case '?:':
      return ternary(node, bound, state);
    default:
      return { steps: 1 + sum(childNodes(node), bound, state) };
  }
}

function list(node: AstNode, bound: Bindings, state: State): Estimate {
  const items = Array.isArray(node.args) ? node.args.filter(isAstNode) : [];
  const { steps, total, upTo } = elements(items, items.length, bound, state);
  return checked(node, { steps, size: { kind: 'list', length: items.length, ...(total === undefined ? {} : { total }), ...(upTo ? { upTo } : {}) } }, state);
}

/**
 * The parts of a list or map literal: one step plus theirs, and in all `count`
 * (one per element or entry) plus each part's size, where a scalar counts one
 * and a list or string its own total (unknown when one part's is).
 */
function elements(parts: AstNode[], count: number, bound: Bindings, state: State): { steps: number; total: number | undefined; upTo: boolean } {
  let steps = 1;
  let total: number | undefined = count;
  let upTo = false;
  for (const part of parts) {
    const e = estimate(part, bound, state);
    steps += e.steps;
    const t = e.size ? e.size.total : scalar(part) ? 1 : undefined;
    total = total === undefined || t === undefined ? undefined : total + t;
    upTo ||= e.size?.upTo === true;
  }
  return { steps, total, upTo };
}

/** `{k: v, ...}`: its entries, and in all one per entry plus each key's and value's size. */
function mapLiteral(node: AstNode, bound: Bindings, state: State): Estimate {
  const entries = Array.isArray(node.args) ? node.args.filter((e): e is [AstNode, AstNode] => Array.isArray(e) && isAstNode(e[0]) && isAstNode(e[1])) : [];
  const { steps, total, upTo: partUpTo } = elements(entries.flat(), entries.length, bound, state);
  // Two entries of one key make one: the count is an upper bound unless every key is a distinct literal.
  const upTo = partUpTo || !distinctLiteralKeys(entries);
  return checked(node, { steps, size: { kind: 'map', length: entries.length, ...(total === undefined ? {} : { total }), ...(upTo ? { upTo } : {}) } }, state);
}

function distinctLiteralKeys(entries: Array<[AstNode, AstNode]>): boolean {
  const keys = new Set<unknown>();
  for (const [key] of entries) {
    if (key.op !== 'value' || keys.has(key.args)) return false;
    keys.add(key.args);
  }
  return true;
}

/** `vars.NAME` or `vars["NAME"]`: the var's size, when the analysis knows it (and `vars` is not a bound name). */
function member(node: AstNode, bound: Bindings, state: State): Estimate {
  const steps = 1 + sum(childNodes(node), bound, state);
  const [target, field] = Array.isArray(node.args) ? (node.args as unknown[]) : [];
  if (!isAstNode(target) || target.op !== 'id' || target.args !== 'vars' || bound.has('vars')) return { steps };
  const name = typeof field === 'string' && node.op === '.' ? field : isAstNode(field) && field.op === 'value' ? field.args : undefined;
  const size = typeof name === 'string' ? state.vars.get(name) : undefined;
  return size ? { steps, size } : { steps };
}

/**
 * A function of the language on values of known size: what it builds is at
 * most (for a string of `L` characters) `L` for `lowerAscii`, `upperAscii`,
 * `trim`, `substring`, `base64Decode` and `string`; for `base64Encode`, 4
 * characters per 3 UTF-8 bytes (`L` bytes for ASCII text, else up to `3L`);
 * for `urlEncode`, 3 characters per byte that it escapes (`3L` for ASCII
 * text, else `9L`); for `split`, `L + 1` strings of `L` characters in all;
 * for `join`, the characters of the list's strings plus the separator
 * between each two.
 */
function functionCall(node: AstNode, bound: Bindings, state: State): Estimate {
  const args = Array.isArray(node.args) ? (node.args as unknown[]) : [];
  const name = typeof args[0] === 'string' ? args[0] : '';
  const receiver = node.op === 'rcall' && isAstNode(args[1]) ? estimate(args[1], bound, state) : undefined;
  const rest = (node.op === 'rcall' ? args[2] : args[1]) as unknown;
  const params = Array.isArray(rest) ? rest.filter(isAstNode) : [];
  const values = params.map((p) => estimate(p, bound, state));
  let steps = 1 + (receiver?.steps ?? 0);
  for (const v of values) steps += v.steps;
  const size = node.op === 'rcall' ? methodSize(name, receiver?.size, values, params) : functionSize(name, values);
  return size ? checked(node, { steps, size }, state) : { steps };
}

function methodSize(name: string, on: Size | undefined, args: Estimate[], params: AstNode[]): Size | undefined {
  if (!on) return undefined;
  if (on.kind === 'string') {
    const l = on.length;
    if (name === 'lowerAscii' || name === 'upperAscii') return text(l, on.ascii === true, on.upTo === true);
    if (name === 'trim' || name === 'substring') return text(l, on.ascii === true, true);
    if (name === 'split') return splitSize(on, params);
    return undefined;
  }
  if (on.kind === 'list' && name === 'join' && on.total !== undefined) {
    const sep = args.length === 0 ? undefined : args[0]?.size;
    if (args.length > 0 && sep?.kind !== 'string') return undefined;
    return text(on.total - on.length + Math.max(on.length - 1, 0) * (sep?.length ?? 0), false, on.upTo === true || sep?.upTo === true);
  }
  return undefined;
}

/**
 * `s.split(sep[, n])` of a string of `L` characters: `L` strings of one
 * character each for the empty separator (exactly, for ASCII text); else at
 * most `L + 1` (every character a separator), an upper bound; at most `n`.
 */
function splitSize(on: Size, params: AstNode[]): Size {
  const l = on.length;
  const sep = params[0];
  const empty = sep?.op === 'value' && sep.args === '';
  const limit = params[1]?.op === 'value' && typeof params[1].args === 'bigint' && params[1].args > 0n ? Number(params[1].args) : undefined;
  const most = empty ? l : l + 1;
  const parts = limit === undefined ? most : Math.min(limit, most);
  const exact = empty && on.ascii === true && on.upTo !== true && (limit === undefined || limit >= l);
  return { kind: 'list', length: parts, total: parts + l, ...(exact ? {} : { upTo: true }) };
}

/**
 * `base64Encode` is exact for ASCII text of exact size (else an upper bound:
 * up to 3 bytes per character); `urlEncode` (only some characters are
 * escaped) and `base64Decode` are upper bounds.
 */
function functionSize(name: string, args: Estimate[]): Size | undefined {
  const arg = args.length === 1 ? args[0]!.size : undefined;
  if (name === 'dyn') return arg;
  if (arg?.kind !== 'string') return undefined;
  const ascii = arg.ascii === true;
  const bytes = ascii ? arg.length : 3 * arg.length;
  if (name === 'urlEncode') return text(3 * bytes, true, true);
  if (name === 'base64Encode') return text(4 * Math.ceil(bytes / 3), true, !ascii || arg.upTo === true);
  if (name === 'base64Decode') return text(arg.length, false, true);
  if (name === 'string') return arg;
  return undefined;
}

function text(length: number, ascii: boolean, upTo = false): Size {
  return { kind: 'string', length, total: length, ...(ascii ? { ascii: true } : {}), ...(upTo ? { upTo: true } : {}) };
}

/** True for a string of ASCII characters only. */
export function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** `a + b`: of two lists or two strings of known size, a value of their summed size (a list's elements copied once). */
function concatenation(node: AstNode, bound: Bindings, state: State): Estimate {
  const [a, b] = (Array.isArray(node.args) ? node.args : []).filter(isAstNode).map((n) => estimate(n, bound, state));
  const steps = 1 + (a?.steps ?? 0) + (b?.steps ?? 0);
  if (!a?.size || !b?.size || a.size.kind !== b.size.kind || a.size.kind === 'map') return { steps };
  const total = a.size.total !== undefined && b.size.total !== undefined ? a.size.total + b.size.total : undefined;
  const length = a.size.length + b.size.length;
  const copied = a.size.kind === 'list' ? length : 0;
  const ascii = a.size.ascii === true && b.size.ascii === true ? { ascii: true } : {};
  const upTo = a.size.upTo === true || b.size.upTo === true ? { upTo: true } : {};
  return checked(node, { steps: steps + copied, size: { kind: a.size.kind, length, ...(total === undefined ? {} : { total }), ...ascii, ...upTo } }, state);
}

/** `c ? a : b`: the larger of the branches, when both are known and of one kind. */
function ternary(node: AstNode, bound: Bindings, state: State): Estimate {
  const [c, a, b] = (Array.isArray(node.args) ? node.args : []).filter(isAstNode).map((n) => estimate(n, bound, state));
  const steps = 1 + (c?.steps ?? 0) + (a?.steps ?? 0) + (b?.steps ?? 0);
  if (!a?.size || !b?.size || a.size.kind !== b.size.kind) return { steps };
  const total = a.size.total !== undefined && b.size.total !== undefined ? Math.max(a.size.total, b.size.total) : undefined;
  const ascii = a.size.ascii === true && b.size.ascii === true ? { ascii: true } : {};
  // The larger branch may not be the one taken: an upper bound unless both are the same exact size.
  const same = !a.size.upTo && !b.size.upTo && a.size.length === b.size.length && a.size.total === b.size.total;
  const length = Math.max(a.size.length, b.size.length);
  return { steps, size: { kind: a.size.kind, length, ...(total === undefined ? {} : { total }), ...ascii, ...(same ? {} : { upTo: true }) } };
}

type Loop = Comprehension & { iterVarName?: unknown };

function comprehension(c: Loop, bound: Bindings, state: State): Estimate {
  const iterable = estimate(c.iterable, bound, state);
  // A map is iterated over its keys.
  const n = iterable.size?.kind === 'list' || iterable.size?.kind === 'map' ? iterable.size.length : undefined;
  if (n === undefined) state.unbounded = true;
  const count = n ?? MAX_LIST_LENGTH;
  // The iteration variable hides a bound name of the same spelling; its elements' size is not known.
  const inner = typeof c.iterVarName === 'string' && bound.has(c.iterVarName) ? new Map([...bound, [c.iterVarName, undefined]]) : bound;
  const step = c.step ? loopStep(c.step, c.iterVarName, inner, state) : undefined;
  const body = (step?.steps ?? 0) + (c.condition ? estimate(c.condition, inner, state).steps : 0);
  const init = c.init ? estimate(c.init, inner, state).steps : 0;
  const steps = 1 + iterable.steps + init + count * Math.max(body, 1);
  // `map` and `filter` start from an empty list and push: at most one element per element iterated.
  if (n === undefined || c.init?.op !== 'list' || !step?.pushes) return { steps };
  const each = step.keeps ? undefined : step.element;
  const total = step.keeps ? (iterable.size?.kind === 'list' ? iterable.size.total : undefined) : each === undefined ? undefined : n + n * each;
  // `filter` keeps at most its input; `map` exactly its input's count (with elements of a size known exactly or not).
  const upTo = step.filters === true || step.upTo === true || iterable.size?.upTo === true;
  return { steps, size: { kind: 'list', length: n, ...(total === undefined ? {} : { total }), ...(upTo ? { upTo: true } : {}) } };
}

interface LoopStep {
  steps: number;
  /** True for the step of `map` and `filter`: it pushes one element (or, filtered, none). */
  pushes: boolean;
  /** True when what it pushes is the element itself (`filter`). */
  keeps: boolean;
  /** The total size of what it pushes, when known. */
  element?: number;
  /** True when it pushes only under a condition (`filter`, `map` with a filter): the list may be shorter than its input. */
  filters?: boolean;
  /** True when the size of what it pushes is only an upper bound. */
  upTo?: boolean;
}

/** A comprehension's step, seeing through what `map` and `filter` expand to: `push(x)`, or `cond ? push(x) : accu`. */
function loopStep(step: AstNode, iterVar: unknown, bound: Bindings, state: State): LoopStep {
  const push = (node: AstNode): LoopStep => {
    const pushed = isAstNode(node.args) ? node.args : undefined;
    if (!pushed) return { steps: 1, pushes: false, keeps: false };
    const e = estimate(pushed, bound, state);
    const element = e.size ? e.size.total : scalar(pushed) ? 1 : undefined;
    const keeps = pushed.op === 'id' && pushed.args === iterVar;
    return { steps: 1 + e.steps, pushes: true, keeps, ...(element === undefined ? {} : { element }), ...(e.size?.upTo ? { upTo: true } : {}) };
  };
  if (step.op === 'accuPush') return push(step);
  const parts = step.op === '?:' && Array.isArray(step.args) ? step.args : [];
  if (parts.length === 3 && isAstNode(parts[0]) && isAstNode(parts[1]) && parts[1].op === 'accuPush' && isAstNode(parts[2])) {
    const then = push(parts[1]);
    return { ...then, filters: true, steps: 1 + estimate(parts[0], bound, state).steps + then.steps + estimate(parts[2], bound, state).steps };
  }
  return { steps: estimate(step, bound, state).steps, pushes: false, keeps: false };
}

/** Records the first value built over a size limit (a size known exactly: an upper bound may not be reached). */
function checked(node: AstNode, e: Estimate, state: State): Estimate {
  if (!e.size || e.size.upTo || state.size) return e;
  const { kind, length, total } = e.size;
  const limit = kind === 'string' ? MAX_STRING_LENGTH : MAX_LIST_LENGTH;
  if (length > limit) state.size = { node, excess: { kind, size: length, limit } };
  else if (total !== undefined && total > MAX_VALUE_SIZE) state.size = { node, excess: { kind: 'value', size: total, limit: MAX_VALUE_SIZE } };
  return e;
}

/** `cel.bind(name, value, body)`: its parts. */
function bindOf(node: AstNode): { var: string; val: AstNode; exp: AstNode } | undefined {
  const m = node.meta?.macro as { var?: unknown; val?: unknown; exp?: unknown } | undefined;
  if (!m || typeof m.var !== 'string' || !isAstNode(m.val) || !isAstNode(m.exp)) return undefined;
  return { var: m.var, val: m.val, exp: m.exp };
}

/** A literal that is one element in the run-time count: a number, bool, null or bytes. */
function scalar(node: AstNode): boolean {
  return node.op === 'value' && typeof node.args !== 'string';
}

function sum(nodes: AstNode[], bound: Bindings, state: State): number {
  let total = 0;
  for (const n of nodes) total += estimate(n, bound, state).steps;
  return total;
}
