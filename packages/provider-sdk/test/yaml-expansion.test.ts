import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { checkYamlExpansion, formatDiagnostic, MAX_EXPANDED_BYTES, parseYamlText } from '../src/index';

/** A mapping whose `big` value is `size` bytes, then `count` keys aliasing it. */
function amplified(size: number, count: number): string {
  const lines = [`big: &big "${'x'.repeat(size)}"`];
  for (let i = 0; i < count; i++) lines.push(`copy${i}: *big`);
  return `${lines.join('\n')}\n`;
}

describe('YAML bounded after alias expansion', () => {
  it('refuses a 480 KB value aliased 99 times (under the alias cap and the text limit) at the alias that crosses the byte limit', () => {
    const text = amplified(480 * 1024, 99);
    expect(text.length).toBeLessThan(512 * 1024);
    const r = parseYamlText(text, 'spec.yaml');
    expect(r.value).toBeUndefined();
    // The anchored value and three copies are 1,966,080 bytes; the fourth copy (line 5) crosses 2 MiB.
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      `spec.yaml:5:8: error: document expands to more than ${MAX_EXPANDED_BYTES} bytes of text after alias expansion (at alias *big); the limit is ${MAX_EXPANDED_BYTES} [YAML_EXPANSION_LIMIT]`,
    ]);
  });

  it('refuses by the number of values, naming that limit', () => {
    const text = 'a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]\nb: [*a, *a]\n';
    const r = parseYamlText(text, 'w.yaml', { maxNodes: 25, maxBytes: 1000 });
    // root 1 + key a 1 + list 10 + key b 1 + list 1 = 14; the first *a adds 10 (24), the second crosses 25.
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      'w.yaml:2:9: error: document expands to more than 25 values after alias expansion (at alias *a); the limit is 25 [YAML_EXPANSION_LIMIT]',
    ]);
  });

  it('refuses an alias inside the value it names', () => {
    const excess = checkYamlExpansion(parseDocument('a: &a [1, *a]\n'));
    expect(excess).toEqual({ limit: 'cycle', offset: 10, message: 'alias *a is inside the value it names (a recursive document)' });
  });

  it('reads a document whose aliases stay under the limits as before', () => {
    const r = parseYamlText('base: &b { image: nginx, port: 80 }\none: *b\ntwo: *b\n', 'ok.yaml');
    expect(r.diagnostics).toEqual([]);
    expect(r.value).toEqual({ base: { image: 'nginx', port: 80 }, one: { image: 'nginx', port: 80 }, two: { image: 'nginx', port: 80 } });
  });

  it('measures without expanding: a billion-laughs document is refused quickly with a bounded count', () => {
    const levels = ['l0: &l0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++)
      levels.push(
        `l${i}: &l${i} [${Array(10)
          .fill(`*l${i - 1}`)
          .join(', ')}]`,
      );
    const excess = checkYamlExpansion(parseDocument(levels.join('\n')));
    expect(excess?.limit).toBe('nodes');
  });
});
