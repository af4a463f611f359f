import { ExpressionError } from '../errors';
import { isSensitive, sensitive, containsSensitive } from '../sensitive/sensitive';
import { celEnvironment, WORKFLOW_VARIABLES } from './cel-environment';
import { fromCel } from './cel-values';
import { celValuesOf, type CelVariables } from './cel-variables';
import type { AstNode } from './ast-nodes';
import { estimateCost, type ValueSize } from './cost';
import { costError } from './cost-error';
import { anchorOf, type CelNode } from './error-anchor';
import { checkValueSize, limitError } from './limits';
import { collectReferences, type Reference } from './references';
import { RE2_MATCHES, useRe2Matches } from './regex';

/** Longest expression text accepted. */
export const MAX_EXPRESSION_LENGTH = 4096;

/** Values an expression is evaluated against. */
export interface ExpressionScope {
  /** The context converted for CEL (sensitive values unwrapped, whole numbers as ints). */
  celContext(): Record<string, unknown>;
  /** The same context as JS values, with sensitive values still wrapped (used to decide taint). */
  rawContext(): Record<string, unknown>;
}

/**
 * A CEL expression compiled once and evaluated many times. Compilation
 * (parse → check) fills `references`; evaluation converts values at the
 * JS/CEL boundary and marks the result sensitive when the expression reads
 * anything sensitive.
 */
export class CompiledExpression {
  readonly source: string;
  readonly references: readonly Reference[];
  readonly variables: readonly string[];
  readonly #program: (ctx: Record<string, unknown>) => unknown;

  /** @internal use {@link compileExpression}. */
  constructor(source: string, variables: readonly string[]) {
    this.source = source;
    this.variables = variables;
    if (source.length > MAX_EXPRESSION_LENGTH) {
      throw new ExpressionError(source.slice(0, 40) + '...', `expression is ${source.length} characters long; the limit is ${MAX_EXPRESSION_LENGTH}`, {
        syntax: true,
      });
    }
    if (source.trim() === '') throw new ExpressionError(source, 'empty expression', { syntax: true });
    let program: ((ctx: Record<string, unknown>) => unknown) & { ast?: unknown; check?: () => { valid: boolean; error?: Error } };
    try {
      program = celEnvironment(variables).parse(source) as typeof program;
    } catch (err) {
      throw celError(source, err, true);
    }
    this.#program = program;
    asts.set(this, { ast: program.ast as AstNode, size: refuseCostly(source, program.ast as AstNode) });
    useRe2Matches(program.ast as AstNode);
    try {
      this.references = Object.freeze(
        collectReferences(program.ast, new Set(variables)).map((r) => Object.freeze({ ...r, path: Object.freeze(r.path) as string[] })),
      );
    } catch {
      throw new ExpressionError(source, `expression '${clip(source)}' is nested too deeply to analyse`, { syntax: true });
    }
  }

  /**
   * Evaluates against a scope. The result is plain JS (ints as numbers); it is
   * wrapped as sensitive when any referenced value is sensitive.
   */
  evaluate(scope: ExpressionScope): unknown {
    let result: unknown;
    try {
      const ctx = scope.celContext();
      this.#checkRead(ctx);
      result = fromCel(this.#run(ctx), this.source);
    } catch (err) {
      if (isLimit(err)) throw limitOf(this.source, err);
      // CEL messages can quote values (`No such key: <value>`): over secrets, say less.
      if (this.readsSensitive(scope.rawContext())) {
        throw new ExpressionError(
          this.source,
          `expression '${this.source}' failed on a sensitive value (details withheld)`,
          errorOffset(err) !== undefined ? { offset: errorOffset(err)! } : {},
        );
      }
      throw celError(this.source, err, false);
    }
    return this.readsSensitive(scope.rawContext()) ? sensitive(result) : result;
  }

  /**
   * Evaluates with plain variables (for deferred expressions, e.g. `{ object }`),
   * or with {@link CelVariables} converted once for several expressions.
   */
  evaluateWith(variables: Record<string, unknown> | CelVariables): unknown {
    const ctx = celValuesOf(variables);
    try {
      this.#checkRead(ctx);
      return fromCel(this.#run(ctx), this.source);
    } catch (err) {
      if (isLimit(err)) throw limitOf(this.source, err);
      throw celError(this.source, err, false);
    }
  }

  /** Runs the program and checks the size of what it produced. */
  #run(ctx: Record<string, unknown>): unknown {
    const value = this.#program(ctx);
    checkOnce(value, this.source, 'produced');
    return value;
  }

  /** Checks the size of every value the expression reads, so that the cost estimate holds. */
  #checkRead(ctx: Record<string, unknown>): void {
    for (const ref of this.references) {
      let cur: unknown = ctx[ref.root];
      for (const key of ref.path) {
        if (typeof cur !== 'object' || cur === null) break;
        cur = cur instanceof Map ? cur.get(key) : (cur as Record<string, unknown>)[key];
      }
      checkOnce(cur, this.source, 'read');
    }
  }

  /** True when a value this expression reads is, or holds, a sensitive value. */
  readsSensitive(raw: Record<string, unknown>): boolean {
    for (const ref of this.references) {
      let cur: unknown = raw[ref.root];
      let tainted = false;
      for (const key of ref.path) {
        if (isSensitive(cur)) {
          tainted = true;
          break;
        }
        if (typeof cur !== 'object' || cur === null) break;
        cur = (cur as Record<string, unknown>)[key];
      }
      if (tainted || containsSensitive(cur)) return true;
    }
    return false;
  }
}

/**
 * Compiles a CEL expression.
 *
 * @param variables the context variables it may use (default: the workflow's).
 * @throws ExpressionError with code `EXPRESSION_SYNTAX` and the offset inside the text.
 */
export function compileExpression(source: string, variables: readonly string[] = WORKFLOW_VARIABLES): CompiledExpression {
  // Compiled expressions are immutable: the validator and the engine share them.
  const key = `${variables.join(',')}\u0000${source}`;
  let compiled = compiledCache.get(key);
  if (!compiled) {
    compiled = new CompiledExpression(source, variables);
    if (compiledCache.size >= MAX_CACHED_EXPRESSIONS) compiledCache.delete(compiledCache.keys().next().value!);
    compiledCache.set(key, compiled);
  }
  return compiled;
}

const MAX_CACHED_EXPRESSIONS = 10_000;

/** Values (objects) found within the size limits: context values are converted once and not changed. */
const withinLimits = new WeakSet<object>();

function checkOnce(value: unknown, source: string, what: 'produced' | 'read'): void {
  if (typeof value === 'object' && value !== null) {
    if (withinLimits.has(value)) return;
    checkValueSize(value, source, what);
    withinLimits.add(value);
  } else if (typeof value === 'string') checkValueSize(value, source, what);
}

/**
 * Refuses an expression whose estimated work is over `MAX_EXPRESSION_COST`,
 * or that builds a value of known size over a size limit (`EXPRESSION_COST`).
 *
 * @returns the size of its value, when known before the run.
 */
function refuseCostly(source: string, ast: AstNode): ValueSize | undefined {
  const { excess, size } = estimateCost(ast);
  if (excess) throw costError(source, excess);
  return size;
}

/** A size limit hit inside the evaluation: ours, or the JavaScript engine's longest string. */
function isLimit(err: unknown): boolean {
  if (ExpressionError.is(err) && err.code === 'EXPRESSION_LIMIT') return true;
  return err instanceof RangeError && /Invalid string length|Invalid array length/.test(err.message);
}

function limitOf(source: string, err: unknown): ExpressionError {
  if (ExpressionError.is(err)) return err;
  return limitError(source, 'built a string or list longer than JavaScript can hold');
}
const compiledCache = new Map<string, CompiledExpression>();

/** The parsed form of each compiled expression and its value's size, for the analysis (not part of the class's API). */
const asts = new WeakMap<CompiledExpression, { ast: AstNode; size: ValueSize | undefined }>();

/** The parsed AST of a compiled expression (for estimates made with what the analysis knows). */
export function expressionAst(expression: CompiledExpression): AstNode {
  return asts.get(expression)!.ast;
}

/** The size of a compiled expression's value as estimated at compile time (no var's size known), when known. */
export function expressionSize(expression: CompiledExpression): ValueSize | undefined {
  return asts.get(expression)!.size;
}

/** Every reference an expression makes, e.g. for a validator. Throws on a syntax error. */
export function expressionReferences(source: string, variables: readonly string[] = WORKFLOW_VARIABLES): readonly Reference[] {
  return compileExpression(source, variables).references;
}

/**
 * Offset of an error inside the expression text, when CEL said where: the
 * operator of a failing operation, the name of a failing method, else the
 * start of the failing node.
 */
export function errorOffset(err: unknown): number | undefined {
  const node = (err as { node?: CelNode & { input?: unknown } })?.node;
  if (node && typeof node.op === 'string' && typeof node.input === 'string') return anchorOf(node, node.input);
  return node?.pos ?? node?.start;
}

function clip(source: string): string {
  return source.length > 60 ? `${source.slice(0, 57)}...` : source;
}

function celError(source: string, err: unknown, syntax: boolean): ExpressionError {
  if (ExpressionError.is(err)) return err;
  const raw = err instanceof Error ? err.message : String(err);
  // cel-js appends a caret drawing after a blank line; keep the first line and say where instead.
  const first = raw.split('\n')[0]!.trim().replaceAll(`.${RE2_MATCHES}(`, '.matches(');
  const offset = errorOffset(err);
  const at = offset === undefined ? '' : ` at character ${offset + 1}`;
  const what = syntax ? 'does not parse' : 'failed';
  return new ExpressionError(source, `expression '${source}' ${what}${at}: ${first}`, { syntax, offset });
}
