import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/store/memory-store';
import { RESOURCE_STATES } from '../src/store/types';
import { canTransition, planRequest, transition, type LifecycleRequest } from '../src/orchestrator/lifecycle';
import type { Operation, ResourceRecord, ResourceState } from '../src/store/types';

describe('resource lifecycle', () => {
  it('allows exactly the transitions of the architecture', () => {
    const allowed = RESOURCE_STATES.flatMap((from) => RESOURCE_STATES.filter((to) => canTransition(from, to)).map((to) => `${from}>${to}`));
    expect(allowed).toEqual([
      'requested>provisioning',
      'requested>failed',
      'provisioning>active',
      'provisioning>failed',
      'active>updating',
      'active>terminating',
      'active>failed',
      'updating>active',
      'updating>failed',
      'terminating>terminated',
      'terminating>failed',
      'failed>provisioning',
      'failed>updating',
      'failed>terminating',
    ]);
  });

  it('refuses a move outside the table before touching the store, and reports a lost compare-and-set as undefined', async () => {
    const store = new MemoryStore();
    const r = await store.createResource({ application: 'shop', name: 'db', type: 'postgres', properties: {} });
    await expect(transition(store, r.id, { from: 'requested', to: 'active', reason: 'shortcut' })).rejects.toMatchObject({
      code: 'INVALID_TRANSITION',
      message: `resource '${r.id}' cannot move from 'requested' to 'active'`,
    });
    expect(await transition(store, r.id, { from: 'active', to: 'updating', reason: 'stale' })).toBeUndefined();
    expect((await transition(store, r.id, { from: 'requested', to: 'provisioning', reason: 'claimed' }))?.state).toBe('provisioning');
    expect((await store.listTransitions(r.id)).map((t) => t.to)).toEqual(['requested', 'provisioning']);
  });

  describe('planRequest: which requests a resource takes, and how', () => {
    const resource = (state: ResourceState, pendingOperation?: Operation): ResourceRecord => ({
      id: 'r1',
      application: 'shop',
      name: 'db',
      type: 'postgres',
      properties: { size: 'S' },
      state,
      generation: 3,
      attempts: 2,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      ...(pendingOperation ? { pendingOperation } : {}),
    });
    const update: LifecycleRequest = { action: 'update', properties: { size: 'M' } };
    const fresh = { attempts: 0, error: null, nextAttemptAt: null };

    it('takes an update or a delete of an idle active resource as a patch conditional on it staying idle', () => {
      expect(planRequest(resource('active'), update)).toEqual({
        accepted: true,
        operation: 'update',
        expect: { state: 'active', idle: true },
        set: { properties: { size: 'M' }, pendingOperation: 'update', generation: 4, ...fresh },
      });
      expect(planRequest(resource('active'), { action: 'delete' })).toEqual({
        accepted: true,
        operation: 'delete',
        expect: { state: 'active', idle: true },
        set: { pendingOperation: 'delete', generation: 4, ...fresh },
      });
    });

    it('runs a failed create or update again with new properties as a new generation; refuses an update of a failed delete', () => {
      expect(planRequest(resource('failed', 'create'), update)).toEqual({
        accepted: true,
        operation: 'create',
        transition: { from: 'failed', to: 'provisioning', reason: 'create requested again with new properties' },
        set: { properties: { size: 'M' }, generation: 4, runId: 'r1:create:4', ...fresh },
      });
      expect(planRequest(resource('failed', 'update'), update)).toMatchObject({ accepted: true, operation: 'update', transition: { to: 'updating' } });
      expect(planRequest(resource('failed', 'delete'), update)).toEqual({ accepted: false, refusal: 'failed-delete' });
    });

    it('deletes a failed resource whatever failed, as a new run', () => {
      for (const op of ['create', 'update', 'delete'] as const) {
        expect(planRequest(resource('failed', op), { action: 'delete' })).toEqual({
          accepted: true,
          operation: 'delete',
          transition: { from: 'failed', to: 'terminating', reason: 'delete requested' },
          set: { pendingOperation: 'delete', generation: 4, runId: 'r1:delete:4', ...fresh },
        });
      }
    });

    it('retries only a failed resource, resuming its operation', () => {
      expect(planRequest(resource('failed', 'update'), { action: 'retry' })).toEqual({
        accepted: true,
        operation: 'update',
        transition: { from: 'failed', to: 'updating', reason: 'retry requested' },
        set: fresh,
      });
      expect(planRequest(resource('active'), { action: 'retry' })).toEqual({ accepted: false, refusal: 'not-failed' });
      expect(planRequest(resource('provisioning', 'create'), { action: 'retry' })).toEqual({ accepted: false, refusal: 'not-failed' });
    });

    it('refuses work on a busy resource, and an update or delete of one neither active nor failed', () => {
      for (const action of ['update', 'delete'] as const) {
        const req: LifecycleRequest = action === 'update' ? update : { action };
        expect(planRequest(resource('active', 'update'), req)).toEqual({ accepted: false, refusal: 'busy' });
        expect(planRequest(resource('provisioning', 'create'), req)).toEqual({ accepted: false, refusal: 'busy' });
        expect(planRequest(resource('terminated'), req)).toEqual({ accepted: false, refusal: 'not-active' });
      }
    });
  });
});
