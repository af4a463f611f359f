import { ExpressionError } from '../errors';

/** A piece of a template string: literal text, or the text of one `${{ }}` expression. */
export type TemplatePart =
  | { kind: 'text'; text: string }
  | {
      kind: 'expr';
      source: string;
      /** offset of the expression text inside the string */
      offset: number;
    };

const OPEN = '${{';
const CLOSE = '}}';

/** True when the string holds at least one `${{`. */
export function hasTemplate(text: string): boolean {
  return text.includes(OPEN);
}

/**
 * Splits a string into literal text and `${{ expr }}` parts. Quotes inside an
 * expression are respected, so `${{ "}}" }}` is one expression. `$${{` writes
 * a literal `${{`.
 *
 * @throws ExpressionError (`EXPRESSION_SYNTAX`) for an unclosed `${{`.
 */
export function scanTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let buf = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$' + OPEN, i)) {
      buf += OPEN;
      i += OPEN.length + 1;
      continue;
    }
    if (!text.startsWith(OPEN, i)) {
      buf += text[i];
      i++;
      continue;
    }
    const start = i + OPEN.length;
    const end = findClose(text, start);
    if (end < 0) {
      throw new ExpressionError(text.slice(i), `'\${{' at character ${i + 1} has no closing '}}'`, { syntax: true, offset: i });
    }
    if (buf) parts.push({ kind: 'text', text: buf });
    buf = '';
    const inner = text.slice(start, end);
    const lead = inner.length - inner.trimStart().length;
    parts.push({ kind: 'expr', source: inner.trim(), offset: start + lead });
    i = end + CLOSE.length;
  }
  if (buf) parts.push({ kind: 'text', text: buf });
  return parts;
}

function findClose(text: string, from: number): number {
  let quote: string | undefined;
  // Braces of CEL map literals inside the expression: `}}` closes only outside them.
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (text.startsWith(quote, i)) {
        i += quote.length - 1;
        quote = undefined;
      }
      continue;
    }
    if (c === '"' || c === "'") {
      quote = text.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      i += quote.length - 1;
    } else if (c === '{') {
      depth++;
    } else if (c === '}' && depth > 0) {
      depth--;
    } else if (text.startsWith(CLOSE, i)) {
      return i;
    }
  }
  return -1;
}
