import { describe, expect, it } from 'vitest';
import { parseYamlText } from '../src/yaml/load-yaml';

// Each line holds `${{` at a known column; the position of the 'p' of `parameters` is asked for.
const TEXT = [
  'plain: a ${{ parameters.x }}', //                    p at col 14
  'double: "a\\tb ${{ parameters.x }}"', //             escape \t is two source chars, one value char: p at col 19
  "single: 'it''s ${{ parameters.x }}'", //             '' is one value char: p at col 20
  'literal: |', //
  '  first line', //
  '  second ${{ parameters.x }}', //                    p at col 14 of line 6
  'flow: { k: "${{ parameters.x }}" }', //              p at col 17
  'list:', //
  '  - x ${{ parameters.x }}', //                       p at col 11 of line 9
].join('\n');

describe('YamlSourceMap', () => {
  const { source, value } = parseYamlText(TEXT, 'f.yaml');
  const at = (pointer: string, text: string) => {
    const v = pointer
      .split('/')
      .slice(1)
      .reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], value) as string;
    return source.stringPositionOf(pointer, v.indexOf(text));
  };

  it('maps a character inside a string to its line and column, for each scalar style', () => {
    expect(at('/plain', 'parameters')).toEqual({ file: 'f.yaml', line: 1, col: 14 });
    expect(at('/double', 'parameters')).toEqual({ file: 'f.yaml', line: 2, col: 19 });
    expect(at('/single', 'parameters')).toEqual({ file: 'f.yaml', line: 3, col: 20 });
    expect(at('/literal', 'parameters')).toEqual({ file: 'f.yaml', line: 6, col: 14 });
    expect(at('/flow/k', 'parameters')).toEqual({ file: 'f.yaml', line: 7, col: 17 });
    expect(at('/list/0', 'parameters')).toEqual({ file: 'f.yaml', line: 9, col: 11 });
  });

  it('gives values, keys, and the closest parent for unknown pointers', () => {
    expect(source.positionOf('/flow/k')).toEqual({ file: 'f.yaml', line: 7, col: 12 });
    expect(source.keyPositionOf('/flow/k')).toEqual({ file: 'f.yaml', line: 7, col: 9 });
    expect(source.positionOf('/flow/nope/deeper')).toEqual({ file: 'f.yaml', line: 7, col: 7 });
    expect(source.positionOf('/list/0')).toEqual({ file: 'f.yaml', line: 9, col: 5 });
  });
});
