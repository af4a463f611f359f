import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../src/diagnostics/diagnostic';
import { parseYamlText } from '../src/yaml/load-yaml';

const parse = (text: string) => parseYamlText(text, 'wf.yaml').diagnostics.map(formatDiagnostic);

describe('YAML syntax errors', () => {
  it('gives one error for an unquoted value holding ": ", with the quoting hint', () => {
    const text = 'steps:\n  - name: a\n    with:\n      size: ${{ a > 3 ? "big" : "small" }}\n      other: 1\n';
    expect(parse(text)).toEqual([
      `wf.yaml:4:13: error: Nested mappings are not allowed in compact mappings; the plain value of 'size' holds ': ', which YAML reads as a nested mapping; quote it: size: '\${{ a > 3 ? "big" : "small" }}' [YAML_SYNTAX]`,
    ]);
  });

  it('gives the hint for a plain value holding ": " in text', () => {
    expect(parse('metadata:\n  description: note: this breaks\n')).toEqual([
      "wf.yaml:2:16: error: Nested mappings are not allowed in compact mappings; the plain value of 'description' holds ': ', which YAML reads as a nested mapping; quote it: description: 'note: this breaks' [YAML_SYNTAX]",
    ]);
  });

  it('gives no hint when the line is not a plain value', () => {
    expect(parse('a:\n  x: "unterminated\n  y: 2\n')).toEqual(['wf.yaml:4:1: error: Missing closing "quote [YAML_SYNTAX]']);
  });
});

describe('reading options', () => {
  it('reads the first of several documents when asked, and says how many follow and where', () => {
    const r = parseYamlText('a: 1\n---\nb: 2\n---\nc: 3\n', 'spec.yaml', undefined, { firstDocumentOnly: true });
    expect(r.diagnostics).toEqual([]);
    expect(r.value).toEqual({ a: 1 });
    expect(r.later).toEqual({ count: 2, line: 2, col: 1 });
    expect(parseYamlText('a: 1\n---\nb: 2\n', 'spec.yaml').diagnostics.map(formatDiagnostic)).toEqual([
      'spec.yaml:2:1: error: file holds more than one YAML document (---); put one document in each file [YAML_SYNTAX]',
    ]);
  });

  it('gives any top-level value, and null for empty text, to a caller that checks the shape itself', () => {
    expect(parseYamlText('- a\n- b\n', 'x.yaml', undefined, { anyValue: true })).toMatchObject({ value: ['a', 'b'], diagnostics: [] });
    expect(parseYamlText('# nothing\n', 'x.yaml', undefined, { anyValue: true })).toMatchObject({ value: null, diagnostics: [] });
    expect(parse('- a\n')).toEqual(['wf.yaml:1:1: error: expected a YAML mapping at the top level, found a list [NOT_YAML]']);
  });

  it('says a document nested past what the parser can read is too deep, in a short message', () => {
    const text = `a: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;
    const d = parseYamlText(text, 'deep.yaml').diagnostics;
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ code: 'YAML_SYNTAX', message: 'the document nests mappings and lists too deeply to be read', line: 1 });
  });
});
