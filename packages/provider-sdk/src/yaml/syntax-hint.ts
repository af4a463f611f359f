/**
 * A hint for the most common YAML mistake in workflows: a plain (unquoted)
 * value that holds `: ` or starts with `{` or `[`, which YAML reads as a
 * nested mapping or a flow collection (`size: ${{ a > 3 ? "big" : "small" }}`).
 * Returns the hint for the line, or undefined when the line is not such a value.
 */
export function quotingHint(line: string): string | undefined {
  const m = /^\s*(?:-\s+)?([^\s'"#:{}[\],][^:#]*?):[ \t]+(.*?)\s*$/.exec(line);
  if (!m) return undefined;
  const [, key, value] = m as unknown as [string, string, string];
  if (value === '' || /^['"|>&*!#]/.test(value)) return undefined;
  const quoted = `${key}: '${value.replace(/'/g, "''")}'`;
  if (value.startsWith('{') || value.startsWith('[')) {
    const what = value.startsWith('{') ? "'{', which YAML reads as a mapping" : "'[', which YAML reads as a list";
    return `the plain value of '${key}' starts with ${what}; if it is text, quote it: ${quoted}`;
  }
  if (!value.includes(': ')) return undefined;
  return `the plain value of '${key}' holds ': ', which YAML reads as a nested mapping; quote it: ${quoted}`;
}
