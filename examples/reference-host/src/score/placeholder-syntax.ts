/**
 * The placeholder syntax of Score: `${a.b.c}` is a reference; `$$` is a
 * literal `$`, so `$${a}` is the text `${a}`; a `$` before anything else, and
 * a `${` that is never closed, are plain text. Nothing inside `${...}` is
 * trimmed. In a reference, `\.` is a dot inside a key
 * (`${metadata.annotations.example\.com/team}`).
 */

/** A piece of a string: literal text, or a reference to fill. */
export type TemplatePart = { text: string } | { ref: string };

/** `$$`, `$${...}` or `${...}`: an escape or a reference (the group holds a reference's text). */
const PLACEHOLDER = /\$(?:\$?\{([^}]*)\}|\$)/g;

/** Splits a string into literal text and references, unescaping `$$`. */
export function splitTemplate(value: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = '';
  let last = 0;
  for (const m of value.matchAll(PLACEHOLDER)) {
    text += value.slice(last, m.index);
    last = m.index + m[0].length;
    if (m[0].startsWith('$$')) {
      text += m[0].slice(1);
      continue;
    }
    if (text) parts.push({ text });
    text = '';
    parts.push({ ref: m[1]! });
  }
  text += value.slice(last);
  if (text || parts.length === 0) parts.push({ text });
  return parts;
}

/** The keys of a reference: split at dots, `\.` kept as a dot inside a key. */
export function refKeys(ref: string): string[] {
  return ref.split(/(?<!\\)\./).map((k) => k.replaceAll('\\.', '.'));
}

/** The references of a string, in order. */
export function refsOf(value: string): string[] {
  return splitTemplate(value).flatMap((p) => ('ref' in p ? [p.ref] : []));
}
