import { describe, expect, it } from 'vitest';
import { CelVariables, compileExpression, sensitive } from '../src/index';

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
});
