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
