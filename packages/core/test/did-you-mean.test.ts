import { describe, expect, it } from 'vitest';
import { closest, didYouMean, levenshtein } from '../src/analysis/did-you-mean';

describe('did you mean', () => {
  it('counts a swap of two neighbouring characters as one edit', () => {
    expect(levenshtein('wiht', 'with')).toBe(1);
    expect(levenshtein('nmae', 'name')).toBe(1);
    expect(levenshtein('abc', 'ca')).toBe(3);
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
  });

  it('suggests the known word a short typo means, and nothing for an unrelated word', () => {
    const stepKeys = ['name', 'type', 'description', 'if', 'timeout', 'retry', 'with'];
    expect(didYouMean('wiht', stepKeys)).toBe("; did you mean 'with'?");
    expect(closest('nmae', stepKeys)).toBe('name');
    expect(closest('tyep', stepKeys)).toBe('type');
    expect(closest('title', stepKeys)).toBeUndefined();
    expect(didYouMean('zzzz', stepKeys)).toBe('');
  });
});
