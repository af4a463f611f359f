import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expressionFunctionsMarkdown } from '../src/expressions/function-docs';

const DOC = new URL('../../../docs/expressions.md', import.meta.url);
const BEGIN = '<!-- BEGIN expression functions (generated: UPDATE_DOCS=1 npx vitest run packages/core/test/expression-functions-doc.test.ts) -->\n';
const END = '<!-- END expression functions -->';

describe('docs/expressions.md lists the functions of the environment', () => {
  it('the generated section matches the registered functions', () => {
    const text = readFileSync(DOC, 'utf8');
    const start = text.indexOf(BEGIN);
    const end = text.indexOf(END);
    expect(start).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
    const generated = expressionFunctionsMarkdown();
    if (process.env.UPDATE_DOCS === '1') writeFileSync(DOC, text.slice(0, start + BEGIN.length) + generated + text.slice(end));
    else expect(text.slice(start + BEGIN.length, end)).toBe(generated);
  });

  it('names the added functions with their descriptions and marks matches as RE2', () => {
    const md = expressionFunctionsMarkdown();
    expect(md).toContain('| `urlEncode(string): string` | Percent-encodes a string for use in a URL (user, password, path segment, query value). |');
    expect(md).toContain('- `string.matches(string): bool`: RE2 syntax, evaluated in linear time');
    expect(md).toContain('- `list<dyn>.map(expr, expr): list<dyn>`');
    expect(md).not.toContain('re2Matches');
  });
});
