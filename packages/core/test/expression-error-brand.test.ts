import { describe, expect, it } from 'vitest';
import { ExpressionError, InnominatusError } from '../src/errors';
import { withPosition } from '../src/engine/compile-workflow';

// A query string makes the module loader evaluate the file a second time: the classes of a second copy of core
// (as a `--steps` module of the provider-sdk CLI brings its own).
const secondCopy = '../src/errors.ts?second-copy';
const other = (await import(/* @vite-ignore */ secondCopy)) as typeof import('../src/errors');

describe('ExpressionError.is: a brand that holds across copies of core', () => {
  it('recognises an ExpressionError of either copy, and nothing else', () => {
    const foreign = new other.ExpressionError('x +', 'does not parse', { syntax: true });
    expect(foreign instanceof ExpressionError).toBe(false);
    expect(ExpressionError.is(foreign)).toBe(true);
    expect(other.ExpressionError.is(new ExpressionError('y', 'failed'))).toBe(true);
    expect(ExpressionError.is(new other.InnominatusError('EXPRESSION_ERROR', 'look-alike'))).toBe(false);
    expect(ExpressionError.is(new InnominatusError('EXPRESSION_ERROR', 'look-alike'))).toBe(false);
    expect(ExpressionError.is({ code: 'EXPRESSION_ERROR', expression: 'x' })).toBe(false);
    expect(ExpressionError.is(undefined)).toBe(false);
  });

  it("places another copy's ExpressionError at the character of its template, as it places its own", () => {
    const source = {
      file: 'wf.yaml',
      positionOf: () => ({ line: 4, col: 7 }),
      stringPositionOf: (_pointer: string, offset: number) => ({ line: 4, col: 10 + offset }),
    };
    for (const copy of [other, { ExpressionError }]) {
      const error = new copy.ExpressionError('x +', "expression 'x +' does not parse", { syntax: true, path: '/steps/0/with/name' });
      Object.defineProperty(error, 'textOffset', { value: 5, enumerable: true });
      const thrown = (() => {
        try {
          return withPosition(source, () => {
            throw error;
          });
        } catch (e) {
          return e;
        }
      })();
      expect(thrown).toMatchObject({ position: { file: 'wf.yaml', line: 4, col: 15 } });
    }
  });
});
