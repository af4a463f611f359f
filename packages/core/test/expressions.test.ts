import { describe, expect, it } from 'vitest';
import { compileExpression, compileTemplate, expressionReferences, isSensitive, reveal, Scope, sensitive, ExpressionError } from '../src/index';

function scope(ctx: Record<string, unknown>, doubles: Record<string, string[]> = {}) {
  return new Scope(ctx, doubles);
}

describe('whole-value expressions keep their type', () => {
  const s = scope({ parameters: { replicas: 3, name: 'db', ratio: 0.5, on: true, tags: ['a', 'b'], spec: { size: 'small' } } });
  it.each([
    ['${{ parameters.replicas }}', 3],
    ['${{ parameters.replicas * 2 }}', 6],
    ['${{ parameters.ratio * 4 }}', 2],
    ['${{ parameters.replicas * parameters.ratio }}', 1.5],
    ['${{ parameters.on }}', true],
    ['${{ parameters.tags }}', ['a', 'b']],
    ['${{ parameters.spec }}', { size: 'small' }],
    ['${{ parameters.replicas > 2 ? "big" : "small" }}', 'big'],
    ['${{ size(parameters.tags) }}', 2],
    ['  ${{ parameters.name }}  ', '  db  '],
    ['${{ null }}', null],
  ])('%s -> %j', (text, expected) => {
    expect(compileTemplate(text).render(s)).toStrictEqual(expected);
  });
});

describe('interpolation makes strings', () => {
  const s = scope({ parameters: { replicas: 3, name: 'db', spec: { a: 1 } } });
  it.each([
    ['${{ parameters.name }}-cluster', 'db-cluster'],
    ['n=${{ parameters.replicas }}', 'n=3'],
    ['${{ parameters.name }}${{ parameters.replicas }}', 'db3'],
    ['x ${{ parameters.spec }}', 'x {"a":1}'],
    ['${{ "}}" }} and ${{ parameters.name }}', '}} and db'],
    ['$${{ parameters.name }} is literal', '${{ parameters.name }} is literal'],
  ])('%s -> %j', (text, expected) => {
    expect(compileTemplate(text).render(s)).toBe(expected);
  });
});

describe('templates apply to parsed trees, value by value', () => {
  it('renders nested values and leaves other values as they are', () => {
    const t = compileTemplate({ a: { b: ['${{ parameters.n + 1 }}', 'plain', 7] }, c: false });
    expect(t.render(scope({ parameters: { n: 1 } }))).toStrictEqual({ a: { b: [2, 'plain', 7] }, c: false });
  });

  it('keeps parameter values inert: no YAML injection, no second evaluation', () => {
    const t = compileTemplate({ metadata: { name: '${{ parameters.name }}', label: 'x-${{ parameters.name }}' } });
    for (const evil of ['x\nkind: Secret', '${{ 1+1 }}', '}} ${{ run.id }}']) {
      const out = t.render(scope({ parameters: { name: evil } })) as { metadata: Record<string, string> };
      expect(out).toStrictEqual({ metadata: { name: evil, label: `x-${evil}` } });
    }
  });
});

describe('errors say what was wrong, with the expression text', () => {
  it('a missing key', () => {
    const t = compileTemplate({ spec: '${{ parameters.missing }}' });
    expect(() => t.render(scope({ parameters: {} }))).toThrowError(
      expect.objectContaining({
        code: 'EXPRESSION_ERROR',
        path: '/spec',
        message: "expression 'parameters.missing' failed at character 12: No such key: missing",
      }),
    );
  });

  it('a type error', () => {
    const t = compileTemplate('${{ parameters.name + 1 }}');
    expect(() => t.render(scope({ parameters: { name: 'a' } }))).toThrowError(
      "expression 'parameters.name + 1' failed at character 17: no such overload: dyn<string> + int",
    );
  });

  it('a syntax error at compile time, with the offset', () => {
    let err: ExpressionError | undefined;
    try {
      compileTemplate({ a: 'x ${{ 1 + }}' });
    } catch (e) {
      err = e as ExpressionError;
    }
    expect(err?.code).toBe('EXPRESSION_SYNTAX');
    expect(err?.path).toBe('/a');
    expect(err?.message).toBe("expression '1 +' does not parse at character 4: Unexpected token: EOF");
    expect((err as unknown as { offset: number }).offset).toBe(3);
  });

  it('an unclosed ${{', () => {
    expect(() => compileTemplate('${{ parameters.x')).toThrowError(expect.objectContaining({ code: 'EXPRESSION_SYNTAX' }));
  });

  it('an integer too large for JS', () => {
    const t = compileTemplate('${{ 9223372036854775807 }}');
    expect(() => t.render(scope({}))).toThrowError(/integer beyond ±2\^53/);
  });
});

describe('static analysis lists every reference', () => {
  it('finds parameters, vars and step outputs', () => {
    const refs = expressionReferences('steps["get-credentials"].outputs.data.password + parameters.name + vars.sizes[parameters.size].cpu');
    expect(refs.map((r) => ({ root: r.root, path: r.path, complete: r.complete }))).toStrictEqual([
      { root: 'steps', path: ['get-credentials', 'outputs', 'data', 'password'], complete: true },
      { root: 'parameters', path: ['name'], complete: true },
      { root: 'vars', path: ['sizes'], complete: false },
      { root: 'parameters', path: ['size'], complete: true },
    ]);
  });

  it('marks references inside has() as guarded and ignores macro variables', () => {
    const refs = expressionReferences('has(parameters.x) ? parameters.list.map(i, i * 2) : []');
    expect(refs.map((r) => [r.root, r.path.join('.'), r.guarded])).toStrictEqual([
      ['parameters', 'x', true],
      ['parameters', 'list', false],
    ]);
  });

  it('compiles once and evaluates many times', () => {
    const e = compileExpression('parameters.n * 2');
    expect([1, 2, 3].map((n) => e.evaluate(scope({ parameters: { n } })))).toStrictEqual([2, 4, 6]);
  });
});

describe('numbers cross the boundary without surprises', () => {
  it('number-typed parameters stay doubles, so division is not integer division', () => {
    const t = compileTemplate('${{ parameters.x / 2 }}');
    expect(t.render(scope({ parameters: { x: 3 } }, { parameters: ['x'] }))).toBe(1.5);
    expect(t.render(scope({ parameters: { x: 3 } }))).toBe(1);
  });
});

describe('sensitive values taint what is computed from them', () => {
  const s = scope({ parameters: { user: 'app' }, steps: { creds: { outputs: { password: sensitive('pa ss/word'), user: 'app' } } } });
  it('a whole value from a secret is sensitive', () => {
    const v = compileTemplate('${{ steps["creds"].outputs.password }}').render(s);
    expect(isSensitive(v)).toBe(true);
    expect(reveal(v)).toBe('pa ss/word');
    expect(String(v)).toBe('***');
  });
  it('an interpolated string holding a secret is sensitive as a whole', () => {
    const v = compileTemplate('postgresql://${{ steps["creds"].outputs.user }}:${{ steps["creds"].outputs.password }}@h').render(s);
    expect(isSensitive(v)).toBe(true);
    expect(reveal(v)).toBe('postgresql://app:pa ss/word@h');
  });
  it('a value that does not read the secret is not sensitive', () => {
    expect(compileTemplate('${{ steps["creds"].outputs.user }}').render(s)).toBe('app');
  });
  it('reading a whole object holding a secret taints the result', () => {
    expect(isSensitive(compileTemplate('${{ size(steps["creds"].outputs) }}').render(s))).toBe(true);
  });
});

describe('extra functions', () => {
  it('urlEncode, base64Encode and base64Decode', () => {
    const s = scope({ parameters: { pw: 'p@ss:w/rd' } });
    expect(compileTemplate('${{ urlEncode(parameters.pw) }}').render(s)).toBe('p%40ss%3Aw%2Frd');
    expect(compileTemplate('${{ base64Encode("abc") }}').render(s)).toBe('YWJj');
    expect(compileTemplate('${{ base64Decode("YWJj") }}').render(s)).toBe('abc');
  });
});
