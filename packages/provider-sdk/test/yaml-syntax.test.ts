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
