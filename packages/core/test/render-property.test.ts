import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileTemplate, Scope } from '../src/index';

// JSON-like values whose strings never contain a template opener.
const plainString = fc.string().filter((s) => !s.includes('${{'));
const plainValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, plainString, fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc.dictionary(plainString, tie('value'), { maxKeys: 5 }),
})).value;

describe('rendering (property)', () => {
  const scope = new Scope({ parameters: { name: 'x' } });

  it('leaves every value without a template unchanged', () => {
    fc.assert(
      fc.property(plainValue, (value) => {
        expect(compileTemplate(value).render(scope)).toStrictEqual(value);
      }),
    );
  });

  it('changes only the templated strings inside a tree', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string().filter((k) => k !== '__proto__' && !k.includes('${{')),
          plainValue,
          { maxKeys: 5 },
        ),
        (obj) => {
          const tree = { ...obj, injected: '${{ parameters.name }}' };
          expect(compileTemplate(tree).render(scope)).toStrictEqual({ ...obj, injected: 'x' });
        },
      ),
    );
  });

  it('never re-evaluates a parameter value, whatever it holds', () => {
    fc.assert(
      fc.property(fc.string(), (evil) => {
        const s = new Scope({ parameters: { v: evil } });
        expect(compileTemplate({ a: '${{ parameters.v }}', b: '<${{ parameters.v }}>' }).render(s)).toStrictEqual({ a: evil, b: `<${evil}>` });
      }),
    );
  });
});
