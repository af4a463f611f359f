import { ExpressionError, InnominatusError } from '../errors';
import { isSensitive, reveal, sensitive } from '../sensitive/sensitive';
import { WORKFLOW_VARIABLES } from './cel-environment';
import { compileExpression, type CompiledExpression, type ExpressionScope } from './expression';
import { escapePointer } from '../util/json-pointer';
import { hasTemplate, scanTemplate } from './template-scanner';

/** Deepest nesting a template may have. */
export const MAX_TEMPLATE_DEPTH = 64;

/** One `${{ }}` found in a template, for validators and error positions. */
export interface TemplateExpression {
  /** JSON pointer of the string holding it. */
  pointer: string;
  /** Offset of the expression text inside that string. */
  offset: number;
  /** True when the string is exactly this expression (its value keeps its type). */
  whole: boolean;
  expression: CompiledExpression;
}

type Node =
  | { k: 'lit'; v: unknown }
  | { k: 'expr'; e: CompiledExpression; pointer: string; offset: number }
  | { k: 'interp'; parts: Array<string | CompiledExpression>; offsets: number[]; pointer: string }
  | { k: 'obj'; entries: Array<[string, Node]> }
  | { k: 'arr'; items: Node[] };

/** Options of {@link compileTemplate}. */
export interface CompileTemplateOptions {
  /** JSON pointer of the value inside its document, for error paths. Default `''`. */
  pointer?: string;
  /** Context variables expressions may use. */
  variables?: readonly string[];
  /** Keys of the top-level object that are left as written (deferred expressions). */
  literalKeys?: ReadonlySet<string> | readonly string[];
  /**
   * Collect every expression that does not parse here instead of throwing at
   * the first. A template compiled with problems must not be rendered.
   */
  problems?: TemplateProblem[];
}

/** An expression of a template that does not parse, with where the problem is inside its string. */
export interface TemplateProblem {
  /** JSON pointer of the string holding it. */
  pointer: string;
  /** Offset of the problem inside that string. */
  offset: number;
  error: ExpressionError;
}

/**
 * A parsed YAML/JSON value with its `${{ }}` expressions compiled once.
 * Rendering walks the tree value by value: a string that is exactly one
 * expression becomes the expression's typed value; text around expressions
 * makes a string; values without expressions are returned unchanged. A value
 * produced by an expression is never scanned for templates again.
 */
export class Template {
  readonly #root: Node;
  /** Every expression in the template, in document order. */
  readonly expressions: readonly TemplateExpression[];

  /** @internal use {@link compileTemplate}. */
  constructor(root: Node, expressions: TemplateExpression[]) {
    this.#root = root;
    this.expressions = expressions;
  }

  /** True when the value holds no expression at all. */
  get isStatic(): boolean {
    return this.expressions.length === 0;
  }

  /**
   * Renders against a scope. Errors carry the JSON pointer of the failing
   * value (`path`). A string interpolating a sensitive value is sensitive as a whole.
   */
  render(scope: ExpressionScope): unknown {
    return renderNode(this.#root, scope);
  }
}

/** Compiles a value; throws {@link ExpressionError} with `path` set for the first bad expression. */
export function compileTemplate(value: unknown, options: CompileTemplateOptions = {}): Template {
  const expressions: TemplateExpression[] = [];
  const variables = options.variables ?? WORKFLOW_VARIABLES;
  const literal = new Set(options.literalKeys ?? []);
  const ctx: CompileContext = { variables, out: expressions, problems: options.problems };
  const root = compileNode(value, options.pointer ?? '', 0, ctx, literal);
  return new Template(root, expressions);
}

interface CompileContext {
  variables: readonly string[];
  out: TemplateExpression[];
  problems: TemplateProblem[] | undefined;
}

function compileNode(value: unknown, pointer: string, depth: number, ctx: CompileContext, literalKeys: ReadonlySet<string>): Node {
  if (depth > MAX_TEMPLATE_DEPTH) {
    const err = new ExpressionError('', `value is nested more than ${MAX_TEMPLATE_DEPTH} levels deep`, { path: pointer, syntax: true });
    if (!ctx.problems) throw err;
    ctx.problems.push({ pointer, offset: 0, error: err });
    return { k: 'lit', v: undefined };
  }
  if (typeof value === 'string') {
    if (!hasTemplate(value)) return { k: 'lit', v: value };
    const parts = tolerant(
      ctx,
      pointer,
      (e) => e.offset ?? 0,
      () => scanTemplate(value),
    );
    if (!parts) return { k: 'lit', v: value };
    const compiled = parts.map((p) =>
      p.kind === 'text'
        ? p.text
        : tolerant(
            ctx,
            pointer,
            (e) => p.offset + (e.offset ?? 0),
            () => compileExpression(p.source, ctx.variables),
          ),
    );
    if (compiled.some((c) => c === undefined)) return { k: 'lit', v: value };
    const whole = parts.length === 1 && parts[0]!.kind === 'expr';
    parts.forEach((p, i) => {
      if (p.kind === 'expr') ctx.out.push({ pointer, offset: p.offset, whole, expression: compiled[i] as CompiledExpression });
    });
    const first = parts[0]!;
    if (whole && first.kind === 'expr') return { k: 'expr', e: compiled[0] as CompiledExpression, pointer, offset: first.offset };
    if (compiled.every((c) => typeof c === 'string')) return { k: 'lit', v: compiled.join('') };
    return { k: 'interp', parts: compiled as Array<string | CompiledExpression>, offsets: parts.map((p) => (p.kind === 'expr' ? p.offset : 0)), pointer };
  }
  if (Array.isArray(value)) {
    const items = value.map((v, i) => compileNode(v, `${pointer}/${i}`, depth + 1, ctx, NO_KEYS));
    return items.every((n) => n.k === 'lit') ? { k: 'lit', v: value } : { k: 'arr', items };
  }
  if (typeof value === 'object' && value !== null && !isSensitive(value)) {
    const entries: Array<[string, Node]> = Object.entries(value).map(([k, v]) => [
      k,
      depth === 0 && literalKeys.has(k) ? { k: 'lit', v } : compileNode(v, `${pointer}/${escapePointer(k)}`, depth + 1, ctx, NO_KEYS),
    ]);
    return entries.every(([, n]) => n.k === 'lit') ? { k: 'lit', v: value } : { k: 'obj', entries };
  }
  return { k: 'lit', v: value };
}

const NO_KEYS: ReadonlySet<string> = new Set();

/** Runs `fn`; in collecting mode a thrown ExpressionError becomes a problem (offset from `offsetOf`). */
function tolerant<T>(ctx: CompileContext, pointer: string, offsetOf: (e: ExpressionError) => number, fn: () => T): T | undefined {
  try {
    return withPath(pointer, fn);
  } catch (err) {
    if (!ctx.problems || !ExpressionError.is(err)) throw err;
    ctx.problems.push({ pointer, offset: offsetOf(err), error: err });
    return undefined;
  }
}

function renderNode(node: Node, scope: ExpressionScope): unknown {
  switch (node.k) {
    case 'lit':
      return node.v;
    case 'expr':
      return withPath(node.pointer, () => node.e.evaluate(scope), node.offset);
    case 'interp': {
      let text = '';
      let secret = false;
      for (const [i, p] of node.parts.entries()) {
        if (typeof p === 'string') {
          text += p;
          continue;
        }
        const v = withPath(node.pointer, () => p.evaluate(scope), node.offsets[i]);
        if (isSensitive(v)) secret = true;
        text += stringify(reveal(v));
      }
      return secret ? sensitive(text) : text;
    }
    case 'arr':
      return node.items.map((n) => renderNode(n, scope));
    case 'obj': {
      const out: Record<string, unknown> = {};
      for (const [k, n] of node.entries) out[k] = renderNode(n, scope);
      return out;
    }
  }
}

function stringify(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Runs `fn`, giving an error the pointer of its string and, for an expression at `offset` in it, the character of the problem. */
function withPath<T>(pointer: string, fn: () => T, offset?: number): T {
  try {
    return fn();
  } catch (err) {
    if (InnominatusError.is(err) && err.path === undefined) {
      Object.defineProperty(err, 'path', { value: pointer, enumerable: true });
      if (offset !== undefined && ExpressionError.is(err) && err.textOffset === undefined) {
        Object.defineProperty(err, 'textOffset', { value: offset + (err.offset ?? 0), enumerable: true });
      }
    }
    throw err;
  }
}
