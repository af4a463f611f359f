import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CelVariables, compileExpression, sensitive } from '../src/index';

// The CommonJS build is another copy of core than the source these tests import.
const other = createRequire(import.meta.url)(join(__dirname, '../dist/index.cjs')) as typeof import('../src/index');

describe('CelVariables: variables converted once for several expressions', () => {
  const object = { metadata: { name: 'db', generation: 3 }, status: { phase: 'Running', replicas: [1, 2] }, data: { password: sensitive('s3cret') } };

  it('gives each expression the result it gives over the plain variables', () => {
    const vars = new CelVariables({ object });
    for (const source of [
      'object.status.phase == "Running"',
      'object.metadata.generation + 1',
      'object.status.replicas',
      'object.data.password.size()',
      'has(object.spec)',
      'object.metadata',
    ]) {
      const e = compileExpression(source, ['object']);
      expect(e.evaluateWith(vars)).toEqual(e.evaluateWith({ object }));
    }
    expect(compileExpression('object.metadata.generation * 2', ['object']).evaluateWith(vars)).toBe(6);
    expect(compileExpression('object.data.password', ['object']).evaluateWith(vars)).toBe('s3cret');
  });

  it('fails an expression over a missing field as the plain variables do', () => {
    const e = compileExpression('object.status.ready', ['object']);
    expect(() => e.evaluateWith(new CelVariables({ object }))).toThrow(/failed/);
    expect(() => e.evaluateWith({ object })).toThrow(/failed/);
  });

  it('takes the values as they were when converted', () => {
    const live = { status: { phase: 'Pending' } };
    const vars = new CelVariables({ object: live });
    live.status.phase = 'Running';
    expect(compileExpression('object.status.phase', ['object']).evaluateWith(vars)).toBe('Pending');
  });

  it('takes the variables of another copy of core as they are, and gives that copy its own', () => {
    const foreign = new other.CelVariables({ object });
    expect(foreign instanceof CelVariables).toBe(false);
    expect(compileExpression('object.metadata.generation * 2', ['object']).evaluateWith(foreign)).toBe(6);
    expect(compileExpression('object.status.phase', ['object']).evaluateWith(foreign)).toBe('Running');
    expect(other.compileExpression('object.data.password', ['object']).evaluateWith(new CelVariables({ object }))).toBe('s3cret');
  });

  it('keeps the converted values out of its enumerable properties', () => {
    const vars = new CelVariables({ object });
    expect(Object.keys(vars)).toEqual([]);
    expect(JSON.stringify(vars)).toBe('{}');
  });
});
