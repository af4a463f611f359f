import { describe, expect, it } from 'vitest';
import { escapePointer, pointerOf, pointerSegments, unescapePointer, valueAtPointer } from '../src/util/json-pointer';

describe('JSON pointers', () => {
  it('escape and unescape a key (~ before /)', () => {
    expect(escapePointer('a/b~c')).toBe('a~1b~0c');
    expect(unescapePointer('a~1b~0c')).toBe('a/b~c');
    // `~01` is an escaped `~` followed by `1`, not a `/`.
    expect(unescapePointer('~01')).toBe('~1');
  });

  it('build a pointer from keys after a base, and split it back', () => {
    expect(pointerOf(['spec', 'users', 0, 'a/b'])).toBe('/spec/users/0/a~1b');
    expect(pointerOf(['x~'], '/outputs')).toBe('/outputs/x~0');
    expect(pointerOf([])).toBe('');
    expect(pointerSegments('/spec/users/0/a~1b')).toEqual(['spec', 'users', '0', 'a/b']);
    expect(pointerSegments('')).toEqual([]);
    expect(pointerSegments('/')).toEqual(['']);
  });

  it('follow a pointer through own keys only', () => {
    const value = { a: { 'b/c': [10, 20] } };
    expect(valueAtPointer(value, '/a/b~1c/1')).toBe(20);
    expect(valueAtPointer(value, '')).toBe(value);
    expect(valueAtPointer(value, '/a/missing')).toBeUndefined();
    expect(valueAtPointer(value, '/a/constructor')).toBeUndefined();
    expect(valueAtPointer(value, '/a/b~1c/1/deeper')).toBeUndefined();
  });
});
