import { afterEach, describe, expect, it, vi } from 'vitest';
import { Type } from '@sinclair/typebox';
import { createEngine } from '../src/engine/engine';
import type { Workflow } from '../src/model/workflow';
import { createOrchestrator } from '../src/orchestrator/orchestrator';
import { staticResolver } from '../src/orchestrator/static-resolver';
import type { Orchestrator, OrchestratorOptions } from '../src/orchestrator/types';
import { defineStep } from '../src/steps/define-step';
import { MemoryStore } from '../src/store/memory-store';
import { createFakeClock } from '../src/testing/fake-clock';

const ran: string[] = [];
const record = defineStep({
  type: 'test-record',
  description: 'Records that it ran',
  timeout: '5s',
  input: Type.Object({ key: Type.String() }),
  output: Type.Object({ ok: Type.Boolean() }),
  async run(input) {
    ran.push(input.key);
    return { ok: true };
  },
});
const workflow: Workflow = {
  apiVersion: 'innominatus.io/v1',
  kind: 'Workflow',
  metadata: { name: 'db-create' },
  steps: [{ name: 'only', type: 'test-record', with: { key: '${{ resource.name }}' } }],
};
const registry = staticResolver({ postgres: { create: workflow } });

let orchestrators: Orchestrator[] = [];
afterEach(async () => {
  for (const o of orchestrators) await o.stop({ graceMs: 0 });
  orchestrators = [];
  ran.length = 0;
});

function setup(foreground: OrchestratorOptions['foreground']) {
  const clock = createFakeClock();
  const store = new MemoryStore({ clock });
  const engine = createEngine({ steps: [record], journal: store });
  const o = createOrchestrator({ store, engine, registry, clock, pollIntervalMs: 60_000, ...(foreground ? { foreground } : {}) });
  orchestrators.push(o);
  o.start();
  return { clock, store, o };
}

const submit = (o: Orchestrator, name: string) => o.submit({ application: 'shop', name, type: 'postgres', properties: {} });

const stateOf = async (store: MemoryStore, id: string) => (await store.getResource(id))!.state;

/** Asserts the resource is held back 5 ms before `waitMs` of the clock and claimed (active) when it has passed. */
async function heldBackFor(t: ReturnType<typeof setup>, id: string, waitMs: number): Promise<void> {
  await t.clock.advance(waitMs - 5);
  expect(await stateOf(t.store, id)).toBe('requested');
  await t.clock.advance(5);
  await vi.waitFor(async () => expect(await stateOf(t.store, id)).toBe('active'), { timeout: 10_000 });
}

describe('orchestrator foreground', () => {
  it('claims nothing while the foreground is busy, and claims at once when it is quiet again', async () => {
    let busy = true;
    const t = setup({ busy: () => busy, maxWaitMs: 10_000 });
    const r = await submit(t.o, 'held');
    await t.clock.advance(1_000);
    expect(await stateOf(t.store, r.id)).toBe('requested');
    expect(ran).toEqual([]);
    busy = false;
    // The next check (5 ms later) finds it quiet and claims.
    await t.clock.advance(5);
    await vi.waitFor(async () => expect(await stateOf(t.store, r.id)).toBe('active'), { timeout: 10_000 });
    expect(ran).toEqual(['held']);
    expect(t.clock.now() - Date.UTC(2026, 0, 1)).toBe(1_005);
  });

  it('holds back at most maxWaitMs: a foreground that stays busy delays work, never starves it', async () => {
    const t = setup({ busy: () => true, maxWaitMs: 300 });
    const r = await submit(t.o, 'delayed');
    await heldBackFor(t, r.id, 300);
    expect(ran).toEqual(['delayed']);
  });

  it('after a wait that ran out, gives the runs a turn as long before it holds back again', async () => {
    const t = setup({ busy: () => true, maxWaitMs: 300 });
    const start = t.clock.now();
    const first = await submit(t.o, 'first');
    await t.clock.advance(300);
    await vi.waitFor(async () => expect(await stateOf(t.store, first.id)).toBe('active'), { timeout: 10_000 });
    // In the runs' turn (until 600 ms): claimed without the clock moving.
    await t.clock.advance(250);
    const inTurn = await submit(t.o, 'in-turn');
    await vi.waitFor(async () => expect(await stateOf(t.store, inTurn.id)).toBe('active'), { timeout: 10_000 });
    expect(t.clock.now() - start).toBe(550);
    // After the turn the foreground goes first again, for its longest wait.
    await t.clock.advance(100);
    const after = await submit(t.o, 'after-turn');
    await heldBackFor(t, after.id, 300);
    expect(ran).toEqual(['first', 'in-turn', 'after-turn']);
  });

  it('gives no turn after a wait that ended because the foreground went quiet', async () => {
    let busy = true;
    const t = setup({ busy: () => busy, maxWaitMs: 300 });
    const first = await submit(t.o, 'first');
    await t.clock.advance(100);
    busy = false;
    await t.clock.advance(5);
    await vi.waitFor(async () => expect(await stateOf(t.store, first.id)).toBe('active'), { timeout: 10_000 });
    busy = true;
    const next = await submit(t.o, 'next');
    await heldBackFor(t, next.id, 300);
    expect(ran).toEqual(['first', 'next']);
  });

  it('ends a wait for the foreground at stop, so a restarted orchestrator claims again', async () => {
    let busy = true;
    const t = setup({ busy: () => busy, maxWaitMs: 60_000 });
    const r = await submit(t.o, 'restarted');
    await t.clock.advance(10);
    await t.o.stop({ graceMs: 0 });
    expect(t.clock.pending()).toBe(0);
    busy = false;
    t.o.start();
    await vi.waitFor(async () => expect(await stateOf(t.store, r.id)).toBe('active'), { timeout: 10_000 });
    expect(ran).toEqual(['restarted']);
  });

  it("a restart ends the runs' turn: the foreground goes first again at once", async () => {
    const t = setup({ busy: () => true, maxWaitMs: 300 });
    const first = await submit(t.o, 'first');
    await t.clock.advance(300);
    await vi.waitFor(async () => expect(await stateOf(t.store, first.id)).toBe('active'), { timeout: 10_000 });
    // The runs' turn lasts until 600 ms; a stop and start within it begins with a wait for the foreground.
    await t.o.stop({ graceMs: 0 });
    t.o.start();
    const next = await submit(t.o, 'after-restart');
    await heldBackFor(t, next.id, 300);
    expect(ran).toEqual(['first', 'after-restart']);
  });

  it('claims at once, without waiting, when the foreground is quiet', async () => {
    // The fake clock never moves here: a claim that waited on it would never come.
    const t = setup({ busy: () => false });
    const r = await submit(t.o, 'quiet');
    await vi.waitFor(async () => expect(await stateOf(t.store, r.id)).toBe('active'), { timeout: 10_000 });
  });

  it('refuses a longest wait that is not a positive number, naming it', () => {
    const store = new MemoryStore();
    const engine = createEngine({ steps: [record], journal: store });
    expect(() => createOrchestrator({ store, engine, registry, foreground: { busy: () => false, maxWaitMs: 0 } })).toThrow(
      expect.objectContaining({ code: 'OPTIONS_INVALID', message: "orchestrator option 'foreground.maxWaitMs' must be a positive number, got 0" }),
    );
  });
});
