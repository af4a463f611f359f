import { describe, expect, it, vi } from 'vitest';
import { coalesced } from '../src/waiting-resources';

/** A pass function whose passes end when the test says so. */
function controlled() {
  const started: string[] = [];
  const ends: (() => void)[] = [];
  const fn = (key: string) => {
    started.push(key);
    return new Promise<void>((resolve) => ends.push(resolve));
  };
  return { fn, started, endNext: () => ends.shift()!() };
}

describe('coalesced passes (applying a spec again after a burst of resource events)', () => {
  it('runs one pass per key at a time, and one more for any number of asks during a pass', async () => {
    const c = controlled();
    const ask = coalesced(c.fn);
    ask('shop');
    for (let i = 0; i < 99; i++) ask('shop');
    ask('blog');
    expect(c.started).toEqual(['shop', 'blog']);
    c.endNext();
    await vi.waitFor(() => expect(c.started).toEqual(['shop', 'blog', 'shop']));
    c.endNext();
    c.endNext();
    // Nothing was asked for during the second pass of shop or the pass of blog: no more passes.
    await new Promise((r) => setImmediate(r));
    expect(c.started).toEqual(['shop', 'blog', 'shop']);
    // Asked again once idle: a new pass at once.
    ask('blog');
    expect(c.started).toEqual(['shop', 'blog', 'shop', 'blog']);
    c.endNext();
  });

  it('a rejected pass ends like a resolved one: the next ask starts a pass', async () => {
    const passes: string[] = [];
    const ask = coalesced(async (key) => {
      passes.push(key);
      throw new Error('store down');
    });
    ask('shop');
    await vi.waitFor(() => expect(passes).toEqual(['shop']));
    await new Promise((r) => setImmediate(r));
    ask('shop');
    await vi.waitFor(() => expect(passes).toEqual(['shop', 'shop']));
  });
});
