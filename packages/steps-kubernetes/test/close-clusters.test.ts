import { describe, expect, it } from 'vitest';
import { closeClusters, createMockCluster } from '../src/testing/index';

/** A stand-in whose `close()` records that it ran and fails with `error`, when given. */
function closable(name: string, closed: string[], error?: Error) {
  return {
    async close() {
      closed.push(name);
      if (error) throw error;
    },
  };
}

describe('closeClusters', () => {
  it('closes every cluster, also after some fail to close, then rejects with every failure', async () => {
    const closed: string[] = [];
    const first = new Error('port still in use');
    const third = new Error('watch did not end');
    const error = await closeClusters([closable('a', closed, first), closable('b', closed), closable('c', closed, third), closable('d', closed)]).catch(
      (e: unknown) => e,
    );
    expect(closed).toEqual(['a', 'b', 'c', 'd']);
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).errors).toEqual([first, third]);
    expect((error as AggregateError).message).toBe('closing 2 of 4 clusters failed: port still in use; watch did not end');
  });

  it('resolves when every cluster closed, and for none', async () => {
    const closed: string[] = [];
    await expect(closeClusters([createMockCluster(), closable('a', closed)])).resolves.toBeUndefined();
    expect(closed).toEqual(['a']);
    await expect(closeClusters([])).resolves.toBeUndefined();
  });
});
