import { describe, expect, it } from 'vitest';
import { toCel } from '../src/expressions/cel-values';
import { compileTemplate, createEngine, isSensitive, reveal, Scope, sensitive } from '../src/index';
import { echo, workflow } from './helpers';

describe("a scope's CEL form shares what needs no conversion", () => {
  it('shares objects and arrays without numbers or secrets, and copies the path to those with them', () => {
    const cpu = { request: '100m', limit: '500m' };
    const names = ['a', 'b'];
    const small = { storage: '5Gi', cpu, names, replicas: 2 };
    const cel = toCel({ small }, false, 0, true) as { small: Record<string, unknown> };
    expect(cel.small).not.toBe(small);
    expect(cel.small.cpu).toBe(cpu);
    expect(cel.small.names).toBe(names);
    expect(cel.small).toEqual({ storage: '5Gi', cpu, names, replicas: 2n });
    expect(small.replicas).toBe(2);
  });

  it('copies every object and array without share, as before', () => {
    const cpu = { request: '100m' };
    const names = ['a'];
    const cel = toCel({ cpu, names }) as Record<string, unknown>;
    expect(cel.cpu).not.toBe(cpu);
    expect(cel.names).not.toBe(names);
    expect(cel).toEqual({ cpu: { request: '100m' }, names: ['a'] });
  });

  it('unwraps a sensitive value in a copy and leaves the plain form wrapped', () => {
    const outputs = { user: 'app', password: sensitive('p@ss'), meta: { zone: 'a' } };
    const cel = toCel({ outputs }, false, 0, true) as { outputs: Record<string, unknown> };
    expect(cel.outputs).toEqual({ user: 'app', password: 'p@ss', meta: outputs.meta });
    expect(cel.outputs.meta).toBe(outputs.meta);
    expect(isSensitive(outputs.password)).toBe(true);
  });

  it('keeps a __proto__ key an own key when it copies', () => {
    const data = JSON.parse('{"__proto__":{"x":"y"},"n":1}') as Record<string, unknown>;
    const cel = toCel(data, false, 0, true) as Record<string, unknown>;
    expect(Object.getPrototypeOf(cel)).toBe(Object.prototype);
    expect(Object.keys(cel)).toEqual(['__proto__', 'n']);
    expect(cel.n).toBe(1n);
  });

  it('an entry set on a root set whole leaves plain values in the object given for it (CEL values only in the CEL form)', () => {
    const steps: Record<string, unknown> = {};
    const s = new Scope({ steps });
    s.setEntry('steps', 'db', { outputs: { port: 5432, host: 'h' }, skipped: false });
    expect(steps).toEqual({ db: { outputs: { port: 5432, host: 'h' }, skipped: false } });
    expect(compileTemplate('${{ steps.db.outputs.port + 1 }}').render(s)).toBe(5433);
    expect(compileTemplate('${{ steps.db.outputs.host }}').render(s)).toBe('h');
  });

  it('an expression over a shared part still gives a copy, and taint still follows the plain form', () => {
    const sizes = { small: { storage: '5Gi' } };
    const s = new Scope({ vars: { sizes, pw: sensitive('s3cret') } });
    const got = compileTemplate('${{ vars.sizes.small }}').render(s);
    expect(got).toEqual({ storage: '5Gi' });
    expect(got).not.toBe(sizes.small);
    const dsn = compileTemplate('u:${{ vars.pw }}').render(s);
    expect(isSensitive(dsn)).toBe(true);
    expect(reveal(dsn)).toBe('u:s3cret');
  });
});

describe("a workflow's literal vars: one CEL form for every run", () => {
  const wf = workflow({
    parameters: [{ name: 'size', type: 'string', default: 'small' }],
    vars: { sizes: { small: { replicas: 2, cpu: { request: '100m' } } }, size: '${{ vars.sizes[parameters.size] }}' },
    steps: [{ name: 's', type: 'echo', with: { value: '${{ vars.size.replicas + 1 }}' } }],
  });
  const compiled = createEngine({ steps: [echo] }).compile(wf);
  const scopeOf = () => {
    const scope = compiled.newScope({ size: 'small' });
    compiled.evaluateVars(scope);
    return scope;
  };

  it('shares the converted literal between scopes, and still converts what an expression gives per scope', () => {
    const [a, b] = [scopeOf(), scopeOf()];
    const celA = a.celContext().vars as Record<string, unknown>;
    const celB = b.celContext().vars as Record<string, unknown>;
    expect(celA.sizes).toBe(celB.sizes);
    expect(celA.sizes).toEqual({ small: { replicas: 2n, cpu: { request: '100m' } } });
    expect(a.get('vars')).toEqual({ sizes: { small: { replicas: 2, cpu: { request: '100m' } } }, size: { replicas: 2, cpu: { request: '100m' } } });
    expect(celA.size).not.toBe(celB.size);
    expect(celA.size).toEqual({ replicas: 2n, cpu: { request: '100m' } });
    expect(compileTemplate('${{ vars.sizes.small.replicas + vars.size.replicas }}').render(b)).toBe(4);
  });
});
