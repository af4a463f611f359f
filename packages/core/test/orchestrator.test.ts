import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEngine } from '../src/engine/engine';
import { StepFailure } from '../src/errors';
import type { Workflow } from '../src/model/workflow';
import { isSensitive, reveal } from '../src/sensitive/sensitive';
import { defineStep } from '../src/steps/define-step';
import { Type } from '@sinclair/typebox';
import { MemoryStore } from '../src/store/memory-store';
import type { Logger } from '../src/util/logger';
import { createOrchestrator, runIdFor } from '../src/orchestrator/orchestrator';
import { createFakeClock } from '../src/testing/fake-clock';
import { systemClock, type Clock } from '../src/util/clock';
import { staticResolver } from '../src/orchestrator/static-resolver';
import type { Orchestrator, OrchestratorOptions, ResourceTransitionEvent } from '../src/orchestrator/types';

/** Per-test knobs of the fixture steps; holds run on `clock`. */
function fixture(clock: Clock = systemClock) {
  const calls: string[] = [];
  const failures = new Map<string, { left: number; retryable: boolean }>();
  const holds = new Map<string, number>();
  let active = 0;
  let peak = 0;
  const record = defineStep({
    type: 'test-record',
    description: 'Records that it ran',
    timeout: '5s',
    input: Type.Object({ key: Type.String() }),
    output: Type.Object({ ok: Type.Boolean() }),
    async run(input) {
      calls.push(input.key);
      return { ok: true };
    },
  });
  const work = defineStep({
    type: 'test-work',
    description: 'Holds for a while, may fail as scripted',
    timeout: '10s',
    input: Type.Object({ key: Type.String(), size: Type.String() }),
    output: Type.Object({ size: Type.String(), password: Type.String({ 'x-sensitive': true }) }),
    async run(input, ctx) {
      calls.push(input.key);
      active++;
      peak = Math.max(peak, active);
      try {
        const ms = holds.get(input.key.split('/')[0]!) ?? 0;
        if (ms) {
          await new Promise<void>((resolve, reject) => {
            const t = clock.setTimeout(resolve, ms);
            ctx.signal.addEventListener(
              'abort',
              () => {
                clock.clearTimeout(t);
                reject(ctx.signal.reason);
              },
              { once: true },
            );
          });
        }
        const f = failures.get(input.key.split('/')[0]!);
        if (f && f.left > 0) {
          f.left--;
          throw new StepFailure(`backend unavailable (${f.left} left)`, { retryable: f.retryable });
        }
        return { size: input.size, password: 'pw-SECRET-9431' };
      } finally {
        active--;
      }
    },
  });
  return { calls, failures, holds, steps: [record, work], peak: () => peak };
}

const wf = (name: string, op: string): Workflow => ({
  apiVersion: 'innominatus.io/v1',
  kind: 'Workflow',
  metadata: { name },
  parameters: [{ name: 'size', type: 'string', default: 'S' }],
  steps: [
    { name: 'first', type: 'test-record', with: { key: `\${{ resource.name + '/${op}/first' }}` } },
    { name: 'work', type: 'test-work', with: { key: `\${{ resource.name + '/${op}/work' }}`, size: '${{ parameters.size }}' } },
  ],
  outputs: { size: '${{ steps.work.outputs.size }}', password: { value: '${{ steps.work.outputs.password }}', sensitive: true } },
});

const registry = staticResolver({ postgres: { create: wf('db-create', 'create'), update: wf('db-update', 'update'), delete: wf('db-delete', 'delete') } });

let orchestrators: Orchestrator[] = [];
afterEach(async () => {
  for (const o of orchestrators) await o.stop({ graceMs: 0 });
  orchestrators = [];
});

function setup(options: Partial<OrchestratorOptions> = {}) {
  const f = fixture(options.clock);
  const logs: string[] = [];
  const logger: Logger = {
    debug: (m, d) => logs.push(m + JSON.stringify(d ?? {})),
    info: (m, d) => logs.push(m + JSON.stringify(d ?? {})),
    warn: (m, d) => logs.push(m + JSON.stringify(d ?? {})),
    error: (m, d) => logs.push(m + JSON.stringify(d ?? {})),
  };
  const store = (options.store as MemoryStore | undefined) ?? new MemoryStore();
  const engine = options.engine ?? createEngine({ steps: f.steps, journal: store, defaultRetry: { attempts: 1 }, logger });
  const o = createOrchestrator({ store, engine, registry, pollIntervalMs: 5_000, leaseMs: 2_000, retry: { attempts: 3, backoff: 20 }, logger, ...options });
  orchestrators.push(o);
  const transitions: ResourceTransitionEvent[] = [];
  const allEvents: unknown[] = [];
  o.events.on('resource:transition', (e) => transitions.push(e));
  for (const name of [
    'resource:transition',
    'resource:retrying',
    'run:started',
    'run:succeeded',
    'run:failed',
    'step:started',
    'step:succeeded',
    'step:failed',
  ] as const) {
    o.events.on(name, (e: unknown) => allEvents.push({ name, e }));
  }
  return { ...f, store, engine, o, transitions, allEvents, logs };
}

/** Waits (vi.waitFor) until `read` gives a value. */
function waitFor<T>(what: string, read: () => Promise<T | undefined | false>, timeout = 10_000): Promise<T> {
  return vi.waitFor(
    async () => {
      const v = await read();
      if (!v) throw new Error(`still waiting for ${what}`);
      return v;
    },
    { timeout, interval: 5 },
  );
}

const stateOf = (store: MemoryStore, id: string, state: string) =>
  waitFor(`${id} to be ${state}`, async () => {
    const r = await store.getResource(id);
    return r?.state === state && !r.leaseOwner ? r : undefined;
  });

const request = { application: 'shop', name: 'orders-db', type: 'postgres', properties: { size: 'M' } };

/** The store as a process sees it that can die: after `kill()`, no call it makes ever answers. */
function deadAfterKill(store: MemoryStore): { store: MemoryStore; kill(): void } {
  let dead = false;
  const proxy = new Proxy(store, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => (dead ? new Promise(() => undefined) : (value as (...a: unknown[]) => unknown).apply(target, args));
    },
  });
  return {
    store: proxy,
    kill: () => {
      dead = true;
    },
  };
}

describe('orchestrator', () => {
  it('provisions a requested resource: lifecycle, sealed outputs, deterministic run id, forwarded events', async () => {
    const t = setup();
    t.o.start();
    const submitted = await t.o.submit(request);
    const r = await stateOf(t.store, submitted.id, 'active');
    expect(r.runId).toBe(runIdFor(submitted.id, 'create', 1));
    expect(r.runId).toBe(`${submitted.id}:create:1`);
    expect(r.outputs?.size).toBe('M');
    expect(isSensitive(r.outputs?.password)).toBe(true);
    expect(reveal(r.outputs?.password)).toBe('pw-SECRET-9431');
    expect(r.pendingOperation).toBeUndefined();
    expect(t.calls).toEqual(['orders-db/create/first', 'orders-db/create/work']);
    const history = await t.store.listTransitions(r.id);
    expect(history.map((h) => `${h.from ?? ''}>${h.to}`)).toEqual(['>requested', 'requested>provisioning', 'provisioning>active']);
    expect(history[2]!.reason).toBe("create workflow 'db-create' of provider 'static' succeeded");
    expect(t.transitions.map((e) => [e.resourceId, e.from, e.to])).toEqual([
      [r.id, undefined, 'requested'],
      [r.id, 'requested', 'provisioning'],
      [r.id, 'provisioning', 'active'],
    ]);
    const stepEvents = t.allEvents.filter((x) => (x as { name: string }).name === 'step:succeeded') as {
      e: { resourceId: string; application: string; name: string; step: string };
    }[];
    expect(stepEvents.map((x) => [x.e.resourceId, x.e.application, x.e.name, x.e.step])).toEqual([
      [r.id, 'shop', 'orders-db', 'first'],
      [r.id, 'shop', 'orders-db', 'work'],
    ]);
    expect((await t.store.getRun(r.runId!))?.status).toBe('succeeded');
    expect(JSON.stringify(t.allEvents) + t.logs.join('\n') + t.store.dump()).not.toContain('pw-SECRET-9431');
  });

  it("resolves the provider by the resource's class and gives the workflow its class and metadata", async () => {
    const asked: Array<string | undefined> = [];
    const byClass = {
      resolve: (type: string, op: 'create' | 'update' | 'delete', options?: { class?: string }) => (asked.push(options?.class), registry.resolve(type, op)),
    };
    const t = setup({ registry: byClass });
    t.o.start();
    const metadata = { annotations: { 'example.com/tier': 'gold' } };
    const submitted = await t.o.submit({ ...request, name: 'big', class: 'large', metadata });
    await stateOf(t.store, submitted.id, 'active');
    expect(asked).toEqual(['large']);
    const run = (await t.store.getRun(submitted.runId ?? `${submitted.id}:create:1`))!;
    expect(run.context).toMatchObject({ resource: { name: 'big', class: 'large', metadata } });
    const plain = await t.o.submit(request);
    await stateOf(t.store, plain.id, 'active');
    expect(asked).toEqual(['large', undefined]);
    expect((await t.store.getRun(`${plain.id}:create:1`))!.context).toMatchObject({ resource: { class: 'default', metadata: {} } });
  });

  it('gives an update its new metadata, and keeps the metadata when an update gives none', async () => {
    const t = setup();
    t.o.start();
    const { id } = await t.o.submit({ ...request, metadata: { annotations: { tier: 'gold' } } });
    await stateOf(t.store, id, 'active');
    const silver = { annotations: { tier: 'silver' } };
    expect(await t.o.update(id, { size: 'L' }, silver)).toMatchObject({ metadata: silver, pendingOperation: 'update', generation: 2 });
    await waitFor('update', async () => ((await t.store.getResource(id))?.pendingOperation ? undefined : true));
    expect((await t.store.getRun(`${id}:update:2`))!.context).toMatchObject({ resource: { metadata: silver } });
    await t.o.update(id, { size: 'M' });
    await waitFor('second update', async () => ((await t.store.getResource(id))?.pendingOperation ? undefined : true));
    expect((await t.store.getRun(`${id}:update:3`))!.context).toMatchObject({ resource: { metadata: silver } });
  });

  it('starts the workflow on submit, not on the safety-net poll: time never moves and it still runs', async () => {
    const clock = createFakeClock();
    const t = setup({ clock, store: new MemoryStore({ clock }), pollIntervalMs: 5_000 });
    t.o.start();
    const r = await t.o.submit(request);
    await stateOf(t.store, r.id, 'active');
    expect(clock.now()).toBe(Date.UTC(2026, 0, 1));
    expect(t.calls).toEqual(['orders-db/create/first', 'orders-db/create/work']);
  });

  it('updates an active resource with new properties and deletes it', async () => {
    const t = setup();
    t.o.start();
    const { id } = await t.o.submit(request);
    await stateOf(t.store, id, 'active');
    const requested = await t.o.update(id, { size: 'L' });
    expect(requested).toMatchObject({ state: 'active', pendingOperation: 'update', generation: 2 });
    const updated = await waitFor('update', async () => {
      const r = await t.store.getResource(id);
      return r?.state === 'active' && !r.pendingOperation ? r : undefined;
    });
    expect(updated.runId).toBe(`${id}:update:2`);
    expect(updated.outputs?.size).toBe('L');
    expect(updated.properties).toEqual({ size: 'L' });
    await t.o.delete(id);
    const gone = await stateOf(t.store, id, 'terminated');
    expect(gone.runId).toBe(`${id}:delete:3`);
    expect(gone.outputs).toBeUndefined();
    expect(await t.store.findResource('shop', 'orders-db')).toBeUndefined();
    expect(t.calls).toEqual([
      'orders-db/create/first',
      'orders-db/create/work',
      'orders-db/update/first',
      'orders-db/update/work',
      'orders-db/delete/first',
      'orders-db/delete/work',
    ]);
    expect((await t.store.listTransitions(id)).map((h) => h.to)).toEqual([
      'requested',
      'provisioning',
      'active',
      'updating',
      'active',
      'terminating',
      'terminated',
    ]);
  });

  it('accepts an update of a failed create or update with corrected properties: a new run with the new properties', async () => {
    const t = setup();
    t.failures.set('orders-db', { left: 1, retryable: false });
    t.o.start();
    const { id } = await t.o.submit(request);
    const failedCreate = await stateOf(t.store, id, 'failed');
    expect(failedCreate).toMatchObject({ pendingOperation: 'create', generation: 1, runId: `${id}:create:1` });
    const fixed = await t.o.update(id, { size: 'XL' });
    expect(fixed).toMatchObject({ state: 'provisioning', pendingOperation: 'create', generation: 2, runId: `${id}:create:2`, properties: { size: 'XL' } });
    expect(fixed.error).toBeUndefined();
    const active = await stateOf(t.store, id, 'active');
    expect(active.outputs?.size).toBe('XL');
    expect((await t.store.getRun(`${id}:create:1`))?.status).toBe('failed');
    expect((await t.store.getRun(`${id}:create:2`))?.status).toBe('succeeded');

    t.failures.set('orders-db', { left: 1, retryable: false });
    await t.o.update(id, { size: 'bad' });
    const failedUpdate = await stateOf(t.store, id, 'failed');
    expect(failedUpdate).toMatchObject({ pendingOperation: 'update', generation: 3 });
    expect(await t.o.update(id, { size: 'M' })).toMatchObject({ state: 'updating', pendingOperation: 'update', generation: 4, runId: `${id}:update:4` });
    const updated = await waitFor('the corrected update', async () => {
      const r = await t.store.getResource(id);
      return r?.state === 'active' && !r.pendingOperation && !r.leaseOwner ? r : undefined;
    });
    expect(updated.outputs?.size).toBe('M');
    const history = await t.store.listTransitions(id);
    expect(history.map((h) => `${h.from ?? ''}>${h.to}`)).toEqual([
      '>requested',
      'requested>provisioning',
      'provisioning>failed',
      'failed>provisioning',
      'provisioning>active',
      'active>updating',
      'updating>failed',
      'failed>updating',
      'updating>active',
    ]);
    expect([history[3]!.reason, history[7]!.reason]).toEqual(['create requested again with new properties', 'update requested again with new properties']);
  });

  it('refuses an update of a failed delete, saying what to do instead', async () => {
    const t = setup();
    t.o.start();
    const { id } = await t.o.submit(request);
    await stateOf(t.store, id, 'active');
    t.failures.set('orders-db', { left: 1, retryable: false });
    await t.o.delete(id);
    await stateOf(t.store, id, 'failed');
    await expect(t.o.update(id, { size: 'L' })).rejects.toMatchObject({
      code: 'INVALID_TRANSITION',
      message: `resource 'orders-db' (${id}) is failed; a failed delete cannot be updated; retry or delete it`,
    });
  });

  it('rejects requests the lifecycle does not allow, naming the resource and its state', async () => {
    const t = setup();
    const { id } = await t.o.submit(request);
    await expect(t.o.update(id, { size: 'L' })).rejects.toMatchObject({
      code: 'INVALID_TRANSITION',
      message: `resource 'orders-db' (${id}) is requested with a create pending; only an active resource with no pending work, or a failed one, can be updated`,
    });
    await expect(t.o.delete(id)).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
    await expect(t.o.retry(id)).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
    await expect(t.o.delete('nope')).rejects.toMatchObject({ code: 'RESOURCE_NOT_FOUND', message: "resource 'nope' not found" });
    await expect(t.o.submit(request)).rejects.toMatchObject({ code: 'RESOURCE_EXISTS', message: "resource 'orders-db' of application 'shop' already exists" });
  });

  it('retries a transient failure with backoff, resuming the run so completed steps do not repeat', async () => {
    const t = setup({ retry: { attempts: 3, backoff: 30 } });
    t.failures.set('orders-db', { left: 2, retryable: true });
    const retrying: number[] = [];
    t.o.events.on('resource:retrying', (e) => retrying.push(e.failedTries));
    t.o.start();
    const { id } = await t.o.submit(request);
    const r = await stateOf(t.store, id, 'active');
    expect(retrying).toEqual([1, 2]);
    expect(t.calls).toEqual(['orders-db/create/first', 'orders-db/create/work', 'orders-db/create/work', 'orders-db/create/work']);
    expect(r.attempts).toBe(0);
    expect((await t.store.getRun(`${id}:create:1`))?.attempt).toBe(3);
    expect((await t.store.listTransitions(id)).map((h) => h.to)).toEqual(['requested', 'provisioning', 'active']);
  });

  it('fails after the last try with the error, then resumes at the failed step on a manual retry', async () => {
    const t = setup({ retry: { attempts: 2, backoff: 10 } });
    t.failures.set('orders-db', { left: 2, retryable: true });
    t.o.start();
    const { id } = await t.o.submit(request);
    const failed = await stateOf(t.store, id, 'failed');
    expect(failed.attempts).toBe(2);
    expect(failed.error).toEqual({
      code: 'STEP_FAILED',
      message: "step 'work' failed: backend unavailable (0 left)",
      retryable: true,
      step: 'work',
      since: expect.any(String),
    });
    expect((await t.store.listTransitions(id)).at(-1)).toMatchObject({
      from: 'provisioning',
      to: 'failed',
      reason: "create failed after 2 tries: step 'work' failed: backend unavailable (0 left)",
    });
    expect(t.transitions.at(-1)).toMatchObject({ to: 'failed', error: { code: 'STEP_FAILED' } });
    const retried = await t.o.retry(id);
    expect(retried).toMatchObject({ state: 'provisioning', attempts: 0 });
    const active = await stateOf(t.store, id, 'active');
    expect(active.runId).toBe(`${id}:create:1`);
    expect(t.calls).toEqual(['orders-db/create/first', 'orders-db/create/work', 'orders-db/create/work', 'orders-db/create/work']);
    expect((await t.store.listTransitions(id)).map((h) => h.to)).toEqual(['requested', 'provisioning', 'failed', 'provisioning', 'active']);
  });

  it('fails a resource whose resolver throws a plain error with INTERNAL, never leaving it working', async () => {
    const t = setup({
      registry: {
        resolve: () => {
          throw new TypeError('resolver bug');
        },
      },
    });
    t.o.start();
    const r = await t.o.submit(request);
    expect((await stateOf(t.store, r.id, 'failed')).error).toEqual({ code: 'INTERNAL', message: 'resolver bug', retryable: false });
  });

  it('fails at once on a permanent error and on an unknown resource type', async () => {
    const t = setup();
    t.failures.set('orders-db', { left: 1, retryable: false });
    t.o.start();
    const a = await t.o.submit(request);
    const b = await t.o.submit({ ...request, name: 'cache', type: 'redis' });
    expect((await stateOf(t.store, a.id, 'failed')).attempts).toBe(1);
    expect((await stateOf(t.store, b.id, 'failed')).error).toEqual({
      code: 'PROVIDER_NOT_FOUND',
      message: "no provider offers resource type 'redis'",
      retryable: false,
    });
    const deleting = await t.o.delete(a.id);
    expect(deleting).toMatchObject({ state: 'terminating', pendingOperation: 'delete', runId: `${a.id}:delete:2` });
    await stateOf(t.store, a.id, 'terminated');
  });

  it('never runs more operations at once than its concurrency', async () => {
    const t = setup({ concurrency: 2, batchSize: 10 });
    for (let i = 0; i < 6; i++) t.holds.set(`db-${i}`, 40);
    t.o.start();
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push((await t.o.submit({ ...request, name: `db-${i}` })).id);
    for (const id of ids) await stateOf(t.store, id, 'active');
    expect(t.peak()).toBe(2);
  });

  it('stops gracefully: running work finishes within the grace period', async () => {
    const clock = createFakeClock();
    const t = setup({ clock, store: new MemoryStore({ clock }) });
    t.holds.set('orders-db', 150);
    t.o.start();
    const { id } = await t.o.submit(request);
    await waitFor('work to start', async () => t.calls.length === 2);
    const stopped = t.o.stop({ graceMs: 5_000 });
    await clock.advance(150);
    await stopped;
    expect((await t.store.getResource(id))?.state).toBe('active');
    const later = await t.o.submit({ ...request, name: 'after-stop' });
    // Past the poll interval and any backoff: a stopped orchestrator claims nothing.
    await clock.advance(60_000);
    expect((await t.store.getResource(later.id))?.state).toBe('requested');
  });

  it('stops gracefully: the running step finishes, the next does not start, and another orchestrator resumes there', async () => {
    const twoSteps: Workflow = {
      apiVersion: 'innominatus.io/v1',
      kind: 'Workflow',
      metadata: { name: 'two-steps' },
      parameters: [{ name: 'size', type: 'string', default: 'S' }],
      steps: [
        { name: 'work', type: 'test-work', with: { key: "${{ resource.name + '/create/work' }}", size: '${{ parameters.size }}' } },
        { name: 'after', type: 'test-record', with: { key: "${{ resource.name + '/create/after' }}" } },
      ],
    };
    const clock = createFakeClock();
    const t = setup({ clock, store: new MemoryStore({ clock }), registry: staticResolver({ postgres: { create: twoSteps } }) });
    t.holds.set('orders-db', 150);
    t.o.start();
    const { id } = await t.o.submit(request);
    await waitFor('work to start', async () => t.calls.length === 1);
    const stopped = t.o.stop({ graceMs: 5_000 });
    await clock.advance(150);
    await stopped;
    expect(t.calls).toEqual(['orders-db/create/work']);
    const r = await t.store.getResource(id);
    expect(r).toMatchObject({ state: 'provisioning', pendingOperation: 'create' });
    expect(r?.leaseOwner).toBeUndefined();
    const next = createOrchestrator({ store: t.store, engine: t.engine, registry: staticResolver({ postgres: { create: twoSteps } }), owner: 'second', clock });
    orchestrators.push(next);
    next.start();
    await stateOf(t.store, id, 'active');
    expect(t.calls).toEqual(['orders-db/create/work', 'orders-db/create/after']);
  });

  it('stops gracefully: work past the grace period is aborted and released, and another orchestrator resumes it', async () => {
    const clock = createFakeClock();
    const t = setup({ clock, store: new MemoryStore({ clock }) });
    t.holds.set('orders-db', 60_000);
    t.o.start();
    const { id } = await t.o.submit(request);
    await waitFor('work to start', async () => t.calls.length === 2);
    let stopped = false;
    const stopping = t.o.stop({ graceMs: 100 }).then(() => {
      stopped = true;
    });
    await clock.advance(99);
    expect(stopped).toBe(false);
    await clock.advance(1);
    await stopping;
    expect(t.o.running()).toEqual([]);
    const r = await t.store.getResource(id);
    expect(r).toMatchObject({ state: 'provisioning', pendingOperation: 'create' });
    expect(r?.leaseOwner).toBeUndefined();
    expect((await t.store.getRun(`${id}:create:1`))?.status).toBe('cancelled');
    t.holds.set('orders-db', 0);
    const next = createOrchestrator({ store: t.store, engine: t.engine, registry, owner: 'second', clock });
    orchestrators.push(next);
    next.start();
    await stateOf(t.store, id, 'active');
    expect(t.calls).toEqual(['orders-db/create/first', 'orders-db/create/work', 'orders-db/create/work']);
  });

  it('waits out a 3-minute outage: every resource retries with capped, jittered backoff and goes active, applied once each', async () => {
    const clock = createFakeClock();
    const store = new MemoryStore({ clock });
    const downUntil = clock.now() + 180_000;
    const applies = new Map<string, number>();
    const apply = defineStep({
      type: 'test-apply',
      description: 'Applies once (idempotent)',
      timeout: '5s',
      input: Type.Object({ key: Type.String() }),
      output: Type.Object({}),
      async run(input) {
        applies.set(input.key, (applies.get(input.key) ?? 0) + 1);
        return {};
      },
    });
    const wait = defineStep({
      type: 'test-wait',
      description: 'Fails as a connection refused while the API is down',
      timeout: '5s',
      input: Type.Object({ key: Type.String() }),
      output: Type.Object({}),
      async run() {
        if (clock.now() < downUntil) throw new StepFailure('connect ECONNREFUSED 127.0.0.1:6443', { retryable: true });
        return {};
      },
    });
    const outageWf: Workflow = {
      apiVersion: 'innominatus.io/v1',
      kind: 'Workflow',
      metadata: { name: 'outage' },
      steps: [
        { name: 'apply', type: 'test-apply', with: { key: '${{ resource.name }}' } },
        { name: 'wait', type: 'test-wait', with: { key: '${{ resource.name }}' } },
      ],
    };
    const engine = createEngine({ steps: [apply, wait], journal: store, defaultRetry: { attempts: 1 } });
    const o = createOrchestrator({ store, engine, registry: staticResolver({ postgres: { create: outageWf } }), clock, retry: {} });
    orchestrators.push(o);
    const retrying: Array<{ resourceId: string; failedTries: number; delayMs: number; nextAttemptAt: string; error: { message: string; since?: string } }> = [];
    o.events.on('resource:retrying', (e) => retrying.push(e));
    o.start();
    const ids: string[] = [];
    for (let n = 0; n < 10; n++) ids.push((await o.submit({ ...request, name: `db-${n}` })).id);
    await waitFor('every first try to fail', async () => new Set(retrying.map((e) => e.resourceId)).size === 10);
    const first = await store.getResource(ids[0]!);
    // Visible while it waits: still provisioning, with the last error, when it began, and the next attempt time.
    expect(first).toMatchObject({
      state: 'provisioning',
      pendingOperation: 'create',
      attempts: 1,
      error: { code: 'STEP_FAILED', retryable: true, since: new Date(downUntil - 180_000).toISOString() },
    });
    expect(first?.nextAttemptAt).toBe(retrying.find((e) => e.resourceId === ids[0])!.nextAttemptAt);
    for (let t = 0; t < 300; t++) await clock.advance(1_000);
    for (const id of ids) await stateOf(store, id, 'active');
    expect([...applies.values()]).toEqual(Array(10).fill(1));
    // Capped exponential backoff with jitter: try n waits between half and all of min(1 s * 2^(n-1), 60 s).
    for (const e of retrying) {
      const step = Math.min(1_000 * 2 ** (e.failedTries - 1), 60_000);
      expect(e.delayMs).toBeGreaterThanOrEqual(step / 2);
      expect(e.delayMs).toBeLessThanOrEqual(step);
    }
    expect(Math.max(...retrying.map((e) => e.failedTries))).toBeGreaterThanOrEqual(6);
    expect(new Set(retrying.filter((e) => e.failedTries === 3).map((e) => e.delayMs)).size).toBeGreaterThan(1);
  });

  it('ends a streak of retryable failures at the horizon, failing the resource', async () => {
    const clock = createFakeClock();
    const t = setup({ clock, store: new MemoryStore({ clock }), retry: { backoff: 10_000, horizonMs: 35_000 } });
    t.failures.set('orders-db', { left: 100, retryable: true });
    t.o.start();
    const { id } = await t.o.submit(request);
    for (let n = 0; n < 6; n++) await clock.advance(10_000);
    const r = await stateOf(t.store, id, 'failed');
    // Tries at 0, 10, 20 and 30 s; a fifth at 40 s would start past the 35 s horizon.
    expect(r.attempts).toBe(4);
    expect(r.error?.message).toContain('backend unavailable');
  });

  it('a restart under the same owner name takes back its leases at once, without waiting them out', async () => {
    const clock = createFakeClock();
    const store = new MemoryStore({ clock });
    const f = fixture(clock);
    f.holds.set('orders-db', 60_000);
    // The first process: once dead, nothing it asks of the store ever answers (it is never stopped: a crash).
    const first = deadAfterKill(store);
    const engineA = createEngine({ steps: f.steps, journal: first.store, defaultRetry: { attempts: 1 } });
    const a = createOrchestrator({ store: first.store, engine: engineA, registry, owner: 'host-a', leaseMs: 30_000, clock });
    a.start();
    const { id } = await a.submit(request);
    await waitFor('work to start', async () => f.calls.length === 2);
    expect((await store.getResource(id))?.leaseOwner).toBe('host-a');
    first.kill();
    f.holds.set('orders-db', 0);

    const engineB = createEngine({ steps: f.steps, journal: store, defaultRetry: { attempts: 1 } });
    const restarted = createOrchestrator({ store, engine: engineB, registry, owner: 'host-a', leaseMs: 30_000, clock });
    orchestrators.push(restarted);
    const startedAt = clock.now();
    restarted.start();
    const r = await stateOf(store, id, 'active');
    // Not a millisecond of (fake) time passed: nothing waited for the 30 s lease.
    expect(clock.now() - startedAt).toBe(0);
    expect(r.outputs?.size).toBe('M');
    expect(f.calls).toEqual(['orders-db/create/first', 'orders-db/create/work', 'orders-db/create/work']);
  });

  it('aborts a run whose lease was lost, leaving the resource to the new owner', async () => {
    // The store's time and the orchestrator's move apart: the store sees the lease expire, the orchestrator has not noticed yet.
    const storeClock = createFakeClock();
    const clock = createFakeClock();
    const store = new MemoryStore({ clock: storeClock });
    const t = setup({ store, clock, leaseMs: 1_000, heartbeatMs: 30 });
    t.holds.set('orders-db', 60_000);
    t.o.start();
    const { id } = await t.o.submit(request);
    await waitFor('work to start', async () => t.calls.length === 2);
    await storeClock.advance(5_000);
    expect((await store.claim('other-replica', 5, 60_000)).map((r) => r.id)).toEqual([id]);
    expect(t.o.running()).toEqual([id]);
    await clock.advance(30);
    await waitFor('the run to be aborted', async () => t.o.running().length === 0);
    // The journal is the new owner's now: the aborted replica could not even record the cancellation (fenced), and the run stays resumable as it was.
    expect((await store.getRun(`${id}:create:1`))?.status).toBe('running');
    expect(t.logs.some((l) => l.startsWith('could not record the failure in the run journal'))).toBe(true);
    expect(await store.getResource(id)).toMatchObject({ state: 'provisioning', leaseOwner: 'other-replica', pendingOperation: 'create' });
    expect(t.logs.some((l) => l.startsWith('lease lost; aborting the run'))).toBe(true);
  });

  it('treats its own lapsed lease coming back from a claim as a renewal, and aborts a run whose lease it cannot confirm in time', async () => {
    const clock = createFakeClock();
    const memory = new MemoryStore({ clock });
    const slowUntil = clock.now() + 500;
    let heartbeats = 0;
    // For the first 500 ms, heartbeats hang for longer than the lease (a stuck connection).
    const store = new Proxy(memory, {
      get(target, p) {
        if (p === 'heartbeat') {
          return (...a: Parameters<MemoryStore['heartbeat']>) => {
            heartbeats++;
            if (clock.now() >= slowUntil) return target.heartbeat(...a);
            return new Promise<void>((resolve) => clock.setTimeout(resolve, 900)).then(() => target.heartbeat(...a));
          };
        }
        const v = Reflect.get(target, p, target);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const t = setup({ store, clock, leaseMs: 600, heartbeatMs: 100, pollIntervalMs: 50 });
    t.holds.set('orders-db', 1_200);
    t.o.start();
    const { id } = await t.o.submit(request);
    await waitFor('work to start', async () => t.calls.length === 2);
    const settled = async () => {
      const x = await memory.getResource(id);
      return x && (x.state === 'active' || x.state === 'failed') ? x : undefined;
    };
    // 10 ms at a time, so each timer fires at its own time.
    for (let i = 0; i < 500 && !(await settled()); i++) await clock.advance(10);
    const r = (await settled())!;
    expect(r.state).toBe('active');
    expect((await memory.listTransitions(id)).map((h) => `${h.from ?? ''}>${h.to}`)).toEqual(['>requested', 'requested>provisioning', 'provisioning>active']);
    // The aborted try and the one that finished; never two at once.
    expect(t.calls).toEqual(['orders-db/create/first', 'orders-db/create/work', 'orders-db/create/work']);
    expect(t.peak()).toBe(1);
    expect(heartbeats).toBeGreaterThan(0);
    expect(t.logs.filter((l) => l.startsWith('lease not confirmed within 480 ms; aborting the run')).length).toBe(1);
    expect(t.logs.some((l) => l.includes('RUN_ACTIVE'))).toBe(false);
    expect(t.o.running()).toEqual([]);
  });

  it('never fails a resource because its run is busy in the engine (RUN_ACTIVE): it tries again later', async () => {
    // On a fake clock: the direct run holds its step until the test moves time, so the orchestrator finds it busy however slow the machine.
    const clock = createFakeClock();
    const t = setup({ clock, store: new MemoryStore({ clock }), heartbeatMs: 50 });
    t.holds.set('orders-db', 300);
    const id = 'r-busy';
    const runId = runIdFor(id, 'create', 1);
    await t.store.createResource({ ...request, id });
    const direct = t.engine.run(wf('db-create', 'create'), {
      parameters: { size: 'M' },
      runId,
      context: {
        resource: { id, name: request.name, type: request.type, application: request.application, properties: request.properties, operation: 'create' },
      },
    });
    await waitFor('the direct run to hold the step', async () => t.calls.length === 2);
    t.o.start();
    await waitFor('the orchestrator to find the run busy', async () => t.logs.some((l) => l.startsWith('run busy (RUN_ACTIVE); trying again in 50 ms')));
    await clock.advance(300);
    await direct;
    const r = await waitFor('the resource to settle', async () => {
      // Time moves on until the next try, after the direct run ended, resumes the finished run.
      await clock.advance(50);
      const x = await t.store.getResource(id);
      return x && !x.leaseOwner && (x.state === 'active' || x.state === 'failed') ? x : undefined;
    });
    expect(r.state).toBe('active');
    expect(t.logs.filter((l) => l.startsWith('run busy (RUN_ACTIVE); trying again in 50 ms')).length).toBeGreaterThan(0);
    expect(r.outputs?.size).toBe('M');
    expect((await t.store.listTransitions(id)).map((h) => `${h.from ?? ''}>${h.to}`)).toEqual(['>requested', 'requested>provisioning', 'provisioning>active']);
    // Resuming the finished run re-ran nothing.
    expect(t.calls).toEqual(['orders-db/create/first', 'orders-db/create/work']);
  });

  it('rejects an update whose properties are not an object', async () => {
    const t = setup();
    await expect(t.o.update('x', [] as unknown as Record<string, unknown>)).rejects.toMatchObject({
      code: 'RESOURCE_INVALID',
      message: "the properties of an update of resource 'x' must be an object",
    });
  });

  it('refuses an engine whose journal is not the store, and bad options, with clear errors', () => {
    const t = setup();
    expect(() => createOrchestrator({ store: new MemoryStore(), engine: t.engine, registry })).toThrow(
      expect.objectContaining({ code: 'OPTIONS_INVALID', message: expect.stringContaining("the engine's journal must be the orchestrator's store") }),
    );
    expect(() => createOrchestrator({ store: t.store, engine: t.engine, registry, concurrency: 0 })).toThrow(
      expect.objectContaining({ code: 'OPTIONS_INVALID', message: "orchestrator option 'concurrency' must be a positive number, got 0" }),
    );
  });
});
