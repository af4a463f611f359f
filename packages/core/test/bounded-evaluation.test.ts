import { describe, expect, it } from 'vitest';
import { compileExpression, compileTemplate, ExpressionError, Scope } from '../src/index';

function thrown(fn: () => unknown): ExpressionError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ExpressionError) return err;
    throw err;
  }
  throw new Error('expected an ExpressionError');
}

/** `[1, 2, ..., 10]` `.map` nested `depth` deep. */
function nestedMaps(depth: number): string {
  let body = '1';
  for (let i = depth; i > 0; i--) body = `[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(x${i}, ${body})`;
  return body;
}

describe('the cost of an expression is estimated before it runs', () => {
  it('four nested maps over ten literal elements run (10,000 elements)', () => {
    const value = compileExpression(`${nestedMaps(4)}.size()`).evaluate(new Scope({}));
    expect(value).toBe(10);
  });

  it('six nested maps (a million elements) are refused at compile time, at the comprehension that crosses the limit', () => {
    const source = nestedMaps(6);
    const err = thrown(() => compileExpression(source));
    expect(err.code).toBe('EXPRESSION_COST');
    // The inner five maps take about 355,000 steps: the outermost one, running them ten times, crosses the limit.
    const offset = source.indexOf('map(x1');
    expect(err.offset).toBe(offset);
    expect(err.message).toBe(
      `expression '${source.slice(0, 57)}...' may take 3,555,553 evaluation steps at character ${offset + 1}; the limit is 1,000,000: nest fewer comprehensions`,
    );
  });

  it('comprehensions nested over lists of unknown size are refused', () => {
    const source = 'parameters.a.all(x, parameters.b.exists(y, y == x))';
    const err = thrown(() => compileExpression(source));
    expect(err.code).toBe('EXPRESSION_COST');
    expect(err.offset).toBe(13);
    expect(err.message).toBe(
      `expression 'parameters.a.all(x, parameters.b.exists(y, y == x))' may take 700,080,004 evaluation steps at character 14 (a list of unknown size counts as 10,000 elements, the most one may hold); the limit is 1,000,000: nest fewer comprehensions`,
    );
  });

  it('one comprehension over a list of unknown size is accepted', () => {
    const e = compileExpression('parameters.a.map(x, x * 2)');
    expect(e.evaluate(new Scope({ parameters: { a: [1, 2, 3] } }))).toStrictEqual([2, 4, 6]);
  });
});

/** `cel.bind(a0, first, cel.bind(a1, a0 + a0, ... body))`: `first` doubled `levels` times; `body` sees every `aN`. */
function doubled(levels: number, first: string, body = `a${levels}`): string {
  let inner = body;
  for (let i = levels; i >= 1; i--) inner = `cel.bind(a${i}, a${i - 1} + a${i - 1}, ${inner})`;
  return `cel.bind(a0, ${first}, ${inner})`;
}

/** `[1, 2, ..., n]`. */
function literal(n: number): string {
  return `[${Array.from({ length: n }, (_, i) => i + 1).join(', ')}]`;
}

describe('the estimate tracks the sizes of values built from literals', () => {
  const clip = (s: string) => `${s.slice(0, 57)}...`;
  const lastPlus = (s: string) => s.lastIndexOf(' + ') + 1;
  const refused: Array<{ name: string; source: string; offset: (s: string) => number; message: (s: string, at: number) => string }> = [
    {
      name: 'a list doubled through 13 nested cel.bind, at the + that crosses 10,000 elements',
      source: doubled(13, '[1, 2]'),
      offset: lastPlus,
      message: (s, at) => `expression '${clip(s)}' builds a list of up to 16,384 elements at character ${at + 1}; the limit is 10,000`,
    },
    {
      name: 'a string doubled through 20 nested cel.bind, at the + that crosses 1 MiB',
      source: doubled(20, '"ab"'),
      offset: lastPlus,
      message: (s, at) => `expression '${clip(s)}' builds a string of up to 2,097,152 characters at character ${at + 1}; the limit is 1,048,576`,
    },
    {
      name: 'map builds one element per element: lists of 200 mapped to lists of 200 lists, over 4 Mi in all at the outer map',
      source: `cel.bind(a, ${literal(200)}, a.map(x, a.map(y, a)))`,
      offset: (s) => s.indexOf('map(x'),
      message: (s, at) =>
        `expression '${clip(s)}' builds a value of up to 16,040,200 characters and elements in all at character ${at + 1}; the limit is 4,194,304`,
    },
    {
      name: 'a bound list of known size is iterated at its size (8,192 × 8,192, no unknown size)',
      source: doubled(12, '[1, 2]', 'a12.all(x, a12.exists(y, y == x))'),
      offset: (s) => s.indexOf('all(x'),
      message: (s, at) =>
        `expression '${clip(s)}' may take 469,835,827 evaluation steps at character ${at + 1}; the limit is 1,000,000: nest fewer comprehensions`,
    },
  ];

  it.each(refused)('$name: EXPRESSION_COST', ({ source, offset, message }) => {
    const err = thrown(() => compileExpression(source));
    expect(err.code).toBe('EXPRESSION_COST');
    const at = offset(source);
    expect(err.offset).toBe(at);
    expect(err.message).toBe(message(source, at));
  });

  it('within the limits, the same shapes run (12 doublings: 8,192 elements)', () => {
    expect(compileExpression(`${doubled(12, '[1, 2]')}.size()`).evaluate(new Scope({}))).toBe(8192);
    expect(compileExpression(`${doubled(19, '"ab"')}.size()`).evaluate(new Scope({}))).toBe(1_048_576);
    expect(compileExpression(`cel.bind(a, ${literal(40)}, a.map(x, a.map(y, a))).size()`).evaluate(new Scope({}))).toBe(40);
  });

  it('a size that is only an upper bound is left to the run-time limits: filter keeps at most its input, ?: may take the smaller branch', () => {
    // At compile time both may be 16,384 elements; at run time the filter keeps 4,096 of 8,192 and the condition takes the larger branch.
    const filtered = compileExpression(doubled(12, '[1, 2]', 'a12.filter(x, x > 1) + a12'));
    expect(thrown(() => filtered.evaluate(new Scope({}))).code).toBe('EXPRESSION_LIMIT');
    const branch = compileExpression(doubled(12, '[1, 2]', '(a0.size() > 1 ? a12 : a0) + a12'));
    expect(thrown(() => branch.evaluate(new Scope({}))).code).toBe('EXPRESSION_LIMIT');
    // The same shapes within the limits at run time are not refused before it.
    expect(compileExpression(doubled(12, '[1, 2]', '(a12.filter(x, x > 2) + a12).size()')).evaluate(new Scope({}))).toBe(8192);
    expect(compileExpression(doubled(12, '[1, 2]', '(a0.size() > 2 ? a12 : a0) + a12')).evaluate(new Scope({}))).toHaveLength(8194);
  });

  it('values of unknown size are left to the run-time limits', () => {
    const e = compileExpression('parameters.a + parameters.a + parameters.a');
    expect(e.evaluate(new Scope({ parameters: { a: [1, 2] } }))).toStrictEqual([1, 2, 1, 2, 1, 2]);
    const err = thrown(() => e.evaluate(new Scope({ parameters: { a: new Array(4000).fill(0) } })));
    expect(err.code).toBe('EXPRESSION_LIMIT');
  });

  it('a comprehension variable hides a bound name of the same spelling', () => {
    // `a` inside the map is each element (an int), not the bound list of 8,192.
    const source = doubled(12, '[1, 2]', 'a12.map(a12, a12 + 1).size()');
    expect(compileExpression(source).evaluate(new Scope({}))).toBe(8192);
  });
});

describe('the estimate follows the string and list functions and map literals', () => {
  const clip = (s: string) => `${s.slice(0, 57)}...`;
  const at = (needle: string) => (s: string) => s.indexOf(needle);
  const x300 = `"${'x'.repeat(300)}"`;
  const refused: Array<{ name: string; source: string; offset: (s: string) => number; message: (s: string, at: number) => string }> = [
    {
      name: 'join of 4,096 strings of 300 characters with a separator, at join',
      source: doubled(12, `[${x300}]`, 'a12.join("-")'),
      offset: at('join'),
      message: (s, at) => `expression '${clip(s)}' builds a string of up to 1,232,895 characters at character ${at + 1}; the limit is 1,048,576`,
    },
    {
      name: 'base64Encode of 786,432 ASCII characters makes 1,048,576 and one more byte crosses the limit, at the call',
      source: doubled(18, '"abc"', 'base64Encode(a18 + "d")'),
      offset: at('base64Encode'),
      message: (s, at) => `expression '${clip(s)}' builds a string of up to 1,048,580 characters at character ${at + 1}; the limit is 1,048,576`,
    },
    {
      name: 'lowerAscii keeps the size: its result joined to the string crosses 1 MiB at the +',
      source: doubled(19, '"ab"', 'a19.lowerAscii() + a19'),
      offset: (s) => s.lastIndexOf(' + ') + 1,
      message: (s, at) => `expression '${clip(s)}' builds a string of up to 2,097,152 characters at character ${at + 1}; the limit is 1,048,576`,
    },
    {
      name: 'a map literal holding a 1 MiB string four times is over 4 Mi in all, at its brace',
      source: doubled(19, '"ab"', '{"a": a19, "b": a19, "c": a19, "d": a19}'),
      offset: at('{'),
      message: (s, at) =>
        `expression '${clip(s)}' builds a value of up to 4,194,312 characters and elements in all at character ${at + 1}; the limit is 4,194,304`,
    },
  ];

  it.each(refused)('$name: EXPRESSION_COST', ({ source, offset, message }) => {
    const err = thrown(() => compileExpression(source));
    expect(err.code).toBe('EXPRESSION_COST');
    const where = offset(source);
    expect(err.offset).toBe(where);
    expect(err.message).toBe(message(source, where));
  });

  it('within the limits, the same functions run and give the sizes estimated', () => {
    const run = (source: string) => compileExpression(source).evaluate(new Scope({}));
    expect(run(doubled(12, '"ab"', 'a12.split("").size()'))).toBe(8192);
    // Upper bounds are not refused: up to 16,385 strings, one at run time (no comma); up to 1,179,648 characters, 786,432 at run time.
    expect(run(doubled(13, '"ab"', 'a13.split(",").size()'))).toBe(1);
    expect(run(doubled(17, '"é"', 'urlEncode(a17).size()'))).toBe(786_432);
    expect(run(doubled(13, '"ab"', 'a13.split(",", 3).size()'))).toBe(1);
    expect(run(doubled(18, '"abc"', 'base64Encode(a18).size()'))).toBe(1_048_576);
    expect(run(doubled(11, `[${x300}]`, 'a11.join().size()'))).toBe(614_400);
    expect(run(doubled(18, '"ab"', '{"a": a18, "b": a18, "c": a18}.size()'))).toBe(3);
  });

  it('a map literal is iterated over its keys at its size: 300 × 300 runs, where a map of unknown size would be refused', () => {
    const entries = Array.from({ length: 300 }, (_, i) => `"k${i}": ${i}`).join(', ');
    expect(compileExpression(`cel.bind(m, {${entries}}, m.all(k, m.exists(j, j == k)))`).evaluate(new Scope({}))).toBe(true);
    expect(thrown(() => compileExpression('parameters.m.all(k, parameters.m.exists(j, j == k))')).code).toBe('EXPRESSION_COST');
  });
});

describe('values produced and read are bounded', () => {
  const big = 'x'.repeat(600 * 1024);

  it('a string concatenated past 1 MiB is EXPRESSION_LIMIT, naming the expression and its field', () => {
    const t = compileTemplate({ spec: { data: '${{ parameters.s + parameters.s }}' } });
    const err = thrown(() => t.render(new Scope({ parameters: { s: big } })));
    expect(err.code).toBe('EXPRESSION_LIMIT');
    expect(err.path).toBe('/spec/data');
    expect(err.message).toBe("expression 'parameters.s + parameters.s' produced a string of 1,228,800 characters (the limit is 1,048,576); evaluation stopped");
  });

  it('a map repeating a large string is stopped by the total size, before anything flattens it', () => {
    const source = '[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(i, parameters.s + parameters.s)';
    const err = thrown(() => compileExpression(source).evaluate(new Scope({ parameters: { s: 'y'.repeat(300 * 1024) } })));
    expect(err.code).toBe('EXPRESSION_LIMIT');
    expect(err.message).toBe(
      `expression '${source.slice(0, 57)}...' produced a value larger than 4,194,304 characters and elements in all; evaluation stopped`,
    );
  });

  it('a chain of vars doubling a string stops at the step that crosses the limit', () => {
    const double = compileExpression('vars.v + vars.v');
    let v = 'z'.repeat(1024);
    let doublings = 0;
    const err = thrown(() => {
      for (;;) {
        v = double.evaluate(new Scope({ vars: { v } })) as string;
        doublings++;
      }
    });
    expect(doublings).toBe(10);
    expect(err.code).toBe('EXPRESSION_LIMIT');
  });

  it('a list in the context longer than the limit is refused when read', () => {
    const err = thrown(() => compileExpression('parameters.a.size()').evaluate(new Scope({ parameters: { a: new Array(10_001).fill(0) } })));
    expect(err.code).toBe('EXPRESSION_LIMIT');
    expect(err.message).toBe("expression 'parameters.a.size()' read a list of 10,001 entries (the limit is 10,000); evaluation stopped");
  });
});

describe('matches() uses RE2', () => {
  it('a pattern that backtracks catastrophically in JavaScript answers at once', () => {
    // With RegExp, ^(a+)+$ against 30 'a's and a 'b' takes minutes.
    const e = compileExpression('parameters.s.matches("^(a+)+$")');
    expect(e.evaluate(new Scope({ parameters: { s: `${'a'.repeat(30)}b` } }))).toBe(false);
    expect(e.evaluate(new Scope({ parameters: { s: 'a'.repeat(30) } }))).toBe(true);
  });

  it('matches anywhere in the string, like CEL', () => {
    expect(compileExpression('"db-main-01".matches("main-[0-9]+")').evaluate(new Scope({}))).toBe(true);
    expect(compileExpression('"db-main".matches("^main")').evaluate(new Scope({}))).toBe(false);
  });

  it('a pattern RE2 does not accept (a backreference) is an expression error naming matches', () => {
    const err = thrown(() => compileExpression('"aa".matches("(a)\\\\1")').evaluate(new Scope({})));
    expect(err.code).toBe('EXPRESSION_ERROR');
    expect(err.message).toBe(
      'expression \'"aa".matches("(a)\\\\1")\' failed at character 6: invalid regular expression \'(a)\\1\': error parsing regexp: invalid escape sequence: `\\1`',
    );
  });

  it('on a value that is not a string, the error names matches', () => {
    const err = thrown(() => compileExpression('parameters.n.matches("1")').evaluate(new Scope({ parameters: { n: 1 } })));
    expect(err.message).toBe("expression 'parameters.n.matches(\"1\")' failed at character 14: found no matching overload for 'int.matches(string)'");
  });
});

describe('errors while rendering point inside their string', () => {
  it('textOffset is the character of the failing operator inside the interpolated string', () => {
    const text = 'db-${{ parameters.name }}-${{ parameters.n + "x" }}';
    const err = thrown(() => compileTemplate({ spec: { name: text } }).render(new Scope({ parameters: { name: 'a', n: 1 } })));
    expect(err.path).toBe('/spec/name');
    expect(err.textOffset).toBe(text.indexOf('+'));
  });

  it('for a whole-value expression too', () => {
    const text = '${{ parameters.missing.x }}';
    const err = thrown(() => compileTemplate({ a: text }).render(new Scope({ parameters: {} })));
    expect(err.textOffset).toBe(text.indexOf('missing'));
  });
});
