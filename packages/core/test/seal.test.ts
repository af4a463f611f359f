import { describe, expect, it } from 'vitest';
import { aesGcmEncrypter, reveal, sensitive } from '../src/index';
import { seal, unseal } from '../src/store/index';

const enc = aesGcmEncrypter('a'.repeat(64));

describe('seal shares what holds nothing to seal', () => {
  it('gives back a plain value without sensitive values or marker keys as the same object', () => {
    const value = { name: 'db', spec: { replicas: 2, users: [{ name: 'app', roles: ['login'] }] }, empty: {} };
    expect(seal(value, enc, 'run-1')).toBe(value);
    const list = [{ a: 1 }, 'b', null];
    expect(seal(list, enc, 'run-1')).toBe(list);
  });

  it('copies only the path to a sealed value: its siblings are the same objects and the original is unchanged', () => {
    const spec = { replicas: 2 };
    const tags = ['x', 'y'];
    const value = { spec, tags, data: { username: 'app', password: sensitive('s3cret') }, list: [tags, sensitive('k')] };
    const sealed = seal(value, enc, 'run-1') as {
      spec: unknown;
      tags: unknown;
      data: { username: string; password: { $sensitive: string } };
      list: [unknown, { $sensitive: string }];
    };
    expect(sealed).not.toBe(value);
    expect(sealed.spec).toBe(spec);
    expect(sealed.tags).toBe(tags);
    expect(sealed.list[0]).toBe(tags);
    expect(Object.keys(sealed)).toEqual(['spec', 'tags', 'data', 'list']);
    expect(Object.keys(sealed.data)).toEqual(['username', 'password']);
    expect(sealed.data.username).toBe('app');
    expect(sealed.data.password.$sensitive).toMatch(/^v1:/);
    expect(sealed.list[1].$sensitive).toMatch(/^v1:/);
    expect(reveal(value.data.password)).toBe('s3cret');
    const back = unseal(JSON.parse(JSON.stringify(sealed)), enc, 'run-1') as typeof value;
    expect(reveal(back.data.password)).toBe('s3cret');
    expect(reveal(back.list[1] as unknown)).toBe('k');
    expect(back.spec).toEqual(spec);
  });

  it('still copies and escapes an object that uses a marker key, and copies one that is not plain', () => {
    const forged = { $sensitive: 'not a ciphertext' };
    const sealed = seal({ forged }, enc, 'run-1') as { forged: unknown };
    expect(sealed.forged).toEqual({ $plain: { $sensitive: 'not a ciphertext' } });
    expect(unseal(sealed, enc, 'run-1')).toEqual({ forged });
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    const point = new Point(1, 2);
    const copied = seal(point, enc, 'run-1');
    expect(copied).not.toBe(point);
    expect(Object.getPrototypeOf(copied)).toBe(Object.prototype);
    expect(copied).toEqual({ x: 1, y: 2 });
  });
});

describe('the AES-GCM encrypter', () => {
  it('gives every value a nonce of its own, across refills of its random bytes, and each decrypts', () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 2_100; i++) {
      const ciphertext = enc.encrypt(`value-${i}`, 'run-1');
      const [version, nonce] = ciphertext.split(':');
      expect(version).toBe('v1');
      expect(Buffer.from(nonce!, 'base64url')).toHaveLength(12);
      nonces.add(nonce!);
      expect(enc.decrypt(ciphertext, 'run-1')).toBe(`value-${i}`);
    }
    expect(nonces.size).toBe(2_100);
  });
});
