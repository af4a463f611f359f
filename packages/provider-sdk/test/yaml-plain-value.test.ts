import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { formatDiagnostic, parseYamlText } from '../src/index';
import { ExpansionBudget } from '../src/yaml/expansion-limit';
import { plainValue } from '../src/yaml/plain-value';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const parseOptions = { uniqueKeys: true, prettyErrors: false, strict: true, stringKeys: true } as const;

/** Every YAML file of the repository (providers, examples, fixtures). */
function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out;
}

describe('a document without aliases is read in one walk, as toJS reads it', () => {
  const files = yamlFiles(root).filter((f) => parseDocument(readFileSync(f, 'utf8'), parseOptions).errors.length === 0);

  it('finds the repository YAML files', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(files.map((f) => relative(root, f)))('%s: same value as toJS', (file) => {
    const text = readFileSync(join(root, file), 'utf8');
    const doc = parseDocument(text, parseOptions);
    const direct = plainValue(doc, new ExpansionBudget());
    // Only a document with an alias is left to toJS.
    if ('unusual' in direct) expect(text).toMatch(/\*[\w-]/);
    else expect(direct.value).toStrictEqual(doc.toJS());
  });

  it('keeps the edge cases of toJS: __proto__ as an own key, empty values, a null key, numbers, binary', () => {
    const text = '__proto__: { polluted: true }\nempty:\nlist: [~, 1, 2.5, 0x10, "s", true]\n? ~\n: nothing\nbin: !!binary aGk=\n';
    const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, strict: true });
    const direct = plainValue(doc, new ExpansionBudget());
    expect(direct).toStrictEqual({ value: doc.toJS() });
    const value = (direct as { value: Record<string, unknown> }).value;
    expect(Object.keys(value)).toStrictEqual(['__proto__', 'empty', 'list', '', 'bin']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(value.bin).toStrictEqual(Buffer.from('hi'));
  });

  it('leaves a document with an alias to toJS', () => {
    const doc = parseDocument('a: &x [1]\nb: *x\n', parseOptions);
    expect(plainValue(doc, new ExpansionBudget())).toStrictEqual({ unusual: true });
    expect(parseYamlText('a: &x [1]\nb: *x\n', 'a.yaml').value).toStrictEqual({ a: [1], b: [1] });
  });

  it('counts a document without aliases against the limits at the value that crosses them', () => {
    // root, key, list, 1: four values; the fifth, the list's second element (line 3, column 5), crosses the limit.
    const r = parseYamlText('list:\n  - 1\n  - 2\n  - 3\n', 'n.yaml', { maxNodes: 4, maxBytes: 100 });
    expect(r.diagnostics.map(formatDiagnostic)).toStrictEqual([
      'n.yaml:3:5: error: document expands to more than 4 values after alias expansion; the limit is 4 [YAML_EXPANSION_LIMIT]',
    ]);
    // a, xxxxxxxx, b: 10 bytes; yyyyyyyy (line 2, column 4) makes 18.
    const bytes = parseYamlText('a: xxxxxxxx\nb: yyyyyyyy\n', 'b.yaml', { maxNodes: 100, maxBytes: 12 });
    expect(bytes.diagnostics.map(formatDiagnostic)).toStrictEqual([
      'b.yaml:2:4: error: document expands to more than 12 bytes of text after alias expansion; the limit is 12 [YAML_EXPANSION_LIMIT]',
    ]);
  });
});
