import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/store/memory-store';
import { RESOURCE_STATES } from '../src/store/types';
import { canTransition, transition } from '../src/orchestrator/lifecycle';

describe('resource lifecycle', () => {
  it('allows exactly the transitions of the architecture', () => {
    const allowed = RESOURCE_STATES.flatMap((from) => RESOURCE_STATES.filter((to) => canTransition(from, to)).map((to) => `${from}>${to}`));
    expect(allowed).toEqual([
      'requested>provisioning', 'requested>failed',
      'provisioning>active', 'provisioning>failed',
      'active>updating', 'active>terminating', 'active>failed',
      'updating>active', 'updating>failed',
      'terminating>terminated', 'terminating>failed',
      'failed>provisioning', 'failed>updating', 'failed>terminating',
    ]);
  });

  it('refuses a move outside the table before touching the store, and reports a lost compare-and-set as undefined', async () => {
    const store = new MemoryStore();
    const r = await store.createResource({ application: 'shop', name: 'db', type: 'postgres', properties: {} });
    await expect(transition(store, r.id, { from: 'requested', to: 'active', reason: 'shortcut' })).rejects.toMatchObject({
      code: 'INVALID_TRANSITION', message: `resource '${r.id}' cannot move from 'requested' to 'active'`,
    });
    expect(await transition(store, r.id, { from: 'active', to: 'updating', reason: 'stale' })).toBeUndefined();
    expect((await transition(store, r.id, { from: 'requested', to: 'provisioning', reason: 'claimed' }))?.state).toBe('provisioning');
    expect((await store.listTransitions(r.id)).map((t) => t.to)).toEqual(['requested', 'provisioning']);
  });
});
