/**
 * A placeholder's value as text, as Score's reference tools write it: a
 * string as it is, anything else as JSON the way Go's encoder writes it —
 * object keys sorted, and `<`, `>`, `&`, U+2028 and U+2029 escaped as
 * `\u003c`-style sequences — so `${resources.db.tls}` gives the same text
 * here as in score-k8s.
 */
export function placeholderText(value: unknown): string {
  if (typeof value === 'string') return value;
  return (JSON.stringify(sortedKeys(value)) ?? 'null').replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortedKeys(v)]));
}
