import { describe, expect, it } from 'vitest';
import { toCel, fromCel } from '../src/expressions/cel-values';
import { ephemeralEncrypter } from '../src/journal/encrypter';
import { sensitive } from '../src/sensitive/sensitive';
import { seal, unseal } from '../src/store/index';
import { setOwn } from '../src/util/set-own';

describe('setOwn and the copies built with it', () => {
  it('keeps a __proto__ key of data as an own key, never as the prototype', () => {
    const out: Record<string, unknown> = {};
    setOwn(out, '__proto__', { polluted: true });
    setOwn(out, 'constructor', 1);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__', 'constructor']);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')).toEqual({ value: { polluted: true }, enumerable: true, writable: true, configurable: true });
    expect(JSON.stringify(out)).toBe('{"__proto__":{"polluted":true},"constructor":1}');
  });

  it('copies data with a __proto__ key through sealing and CEL conversion unchanged', () => {
    const data = JSON.parse('{"a":{"__proto__":{"x":1},"b":2}}') as Record<string, unknown>;
    const enc = ephemeralEncrypter();
    const sealed = seal({ ...data, secret: sensitive('s3cret') }, enc, 'run-1');
    const back = unseal(JSON.parse(JSON.stringify(sealed)), enc, 'run-1') as Record<string, unknown>;
    expect(JSON.stringify({ a: back.a })).toBe('{"a":{"__proto__":{"x":1},"b":2}}');
    expect(Object.getPrototypeOf(back.a)).toBe(Object.prototype);
    const roundTrip = fromCel(toCel(data), 'data') as Record<string, unknown>;
    expect(JSON.stringify(roundTrip)).toBe('{"a":{"__proto__":{"x":1},"b":2}}');
    expect(Object.getPrototypeOf(roundTrip.a)).toBe(Object.prototype);
  });
});
