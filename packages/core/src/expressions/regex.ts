import { createRequire } from 'node:module';
import { EvaluationError } from '@marcbachmann/cel-js';
import type { AstNode } from './ast-nodes';
import { childNodes } from './ast-nodes';

type Re2Module = typeof import('re2js');
type Re2 = ReturnType<Re2Module['RE2JS']['compile']>;

/**
 * The name `matches` calls are evaluated under. cel-js's own `matches` uses
 * JavaScript's backtracking RegExp (`^(a+)+$` over 30 characters takes
 * seconds) and refuses a second overload of the name, so compiled expressions
 * call this one instead: the same signature, evaluated by RE2 in time linear
 * in the input, with RE2's syntax (what CEL specifies).
 */
export const RE2_MATCHES = 're2Matches';

let re2: Re2Module | undefined;
const compiled = new Map<string, Re2 | Error>();
const MAX_CACHED_PATTERNS = 1000;

/**
 * `re2js`, loaded on first use: it is 260 kB of Unicode tables that a CLI
 * validating a provider never needs. Loaded with `require`, which keeps
 * evaluation synchronous (Node >= 20.19 requires ES modules too).
 */
function re2js(): Re2Module {
  // import.meta is empty in the CommonJS build, where __filename is defined.
  re2 ??= createRequire(import.meta.url ?? __filename)('re2js') as Re2Module;
  return re2;
}

/** The RE2 program of a pattern, or the syntax error RE2 gives for it. Cached. */
export function compileRe2(pattern: string): Re2 | Error {
  let program = compiled.get(pattern);
  if (!program) {
    try {
      program = re2js().RE2JS.compile(pattern);
    } catch (err) {
      program = err instanceof Error ? err : new Error(String(err));
    }
    if (compiled.size >= MAX_CACHED_PATTERNS) compiled.delete(compiled.keys().next().value!);
    compiled.set(pattern, program);
  }
  return program;
}

/** `text.matches(pattern)`: true when RE2 finds the pattern anywhere in the text. */
export function re2Matches(text: string, pattern: string): boolean {
  const program = compileRe2(pattern);
  if (program instanceof Error) throw new EvaluationError(`invalid regular expression '${pattern}': ${program.message}`);
  return program.matcher(text).find();
}

/** Points every `x.matches(p)` call of a parsed expression at {@link RE2_MATCHES}. */
export function useRe2Matches(node: AstNode, depth = 0): void {
  if (depth > 200) return;
  if (node.op === 'rcall' && Array.isArray(node.args) && node.args[0] === 'matches' && (node.args[2] as unknown[])?.length === 1) {
    node.args[0] = RE2_MATCHES;
  }
  for (const child of childNodes(node)) useRe2Matches(child, depth + 1);
}
