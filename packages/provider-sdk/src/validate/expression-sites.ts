import { compileExpression, errorOffset, escapePointer, hasTemplate, scanTemplate, type CompiledExpression, InnominatusError } from '@innominatus/core';

/** One `${{ }}` expression found in a document, compiled. */
export interface ExpressionSite {
  /** Pointer of the string holding it. */
  pointer: string;
  /** Offset of the expression text inside that string. */
  offset: number;
  /** The string is exactly this expression (its value keeps its type). */
  whole: boolean;
  expression: CompiledExpression;
}

/** An expression that did not parse, with the offset of the problem inside its string. */
export interface ExpressionProblem {
  pointer: string;
  offset: number;
  message: string;
}

/**
 * Finds and compiles every `${{ }}` in a value (strings only, never keys),
 * collecting every problem rather than stopping at the first.
 *
 * @param skipKeys top-level keys left alone (deferred expressions).
 */
export function collectExpressions(
  value: unknown,
  pointer: string,
  variables: readonly string[],
  skipKeys: ReadonlySet<string> = new Set(),
  depth = 0,
  out: { sites: ExpressionSite[]; problems: ExpressionProblem[] } = { sites: [], problems: [] },
): { sites: ExpressionSite[]; problems: ExpressionProblem[] } {
  if (depth > 64) {
    out.problems.push({ pointer, offset: 0, message: 'value is nested more than 64 levels deep' });
    return out;
  }
  if (typeof value === 'string') {
    if (!hasTemplate(value)) return out;
    let parts;
    try {
      parts = scanTemplate(value);
    } catch (err) {
      const at = /character (\d+)/.exec((err as Error).message);
      out.problems.push({ pointer, offset: at ? Number(at[1]) - 1 : 0, message: messageOf(err) });
      return out;
    }
    const whole = parts.length === 1 && parts[0]!.kind === 'expr';
    for (const p of parts) {
      if (p.kind !== 'expr') continue;
      try {
        out.sites.push({ pointer, offset: p.offset, whole, expression: compileExpression(p.source, variables) });
      } catch (err) {
        out.problems.push({ pointer, offset: p.offset + (offsetOf(err) ?? 0), message: messageOf(err) });
      }
    }
    return out;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => collectExpressions(v, `${pointer}/${i}`, variables, new Set(), depth + 1, out));
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (depth === 0 && skipKeys.has(k)) continue;
      collectExpressions(v, `${pointer}/${escapePointer(k)}`, variables, new Set(), depth + 1, out);
    }
  }
  return out;
}

/** Offset of a CEL error inside the expression text, when known. */
export function offsetOf(err: unknown): number | undefined {
  const o = (err as { offset?: unknown })?.offset;
  return typeof o === 'number' ? o : errorOffset(err);
}

/** The message of an error, without a stack. */
export function messageOf(err: unknown): string {
  return InnominatusError.is(err) || err instanceof Error ? err.message : String(err);
}
