import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  aesGcmEncrypter,
  createEngine,
  createOrchestrator,
  defineStep,
  InnominatusError,
  MemoryStore,
  Type,
  type Clock,
  type Logger,
  type Store,
  type Workflow,
} from '@innominatus/core';
import { createFakeClock, staticResolver } from '@innominatus/core/testing';
import { createTestDatabase } from '@innominatus/store-sql/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createPostgresStore, createSqliteStore } from '../src/index';
import { waitFor } from './fixtures/wait-for';

const key = aesGcmEncrypter(Buffer.alloc(32, 7));
const LEASE_MS = 10_000;
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups.length = 0;
});

/** One store per kind, on the given clock (the store decides lease expiry with it). */
const stores: Record<string, (clock: Clock) => Promise<Store>> = {
  memory: async (clock) => new MemoryStore({ encrypter: key, clock }),
  sqlite: async (clock) => {
    const dir = mkdtempSync(join(tmpdir(), 'fencing-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return createSqliteStore({ filename: join(dir, 'innominatus.db'), encrypter: key, clock });
  },
  postgres: async (clock) => {
    const db = await createTestDatabase({ prefix: 'fencing' });
    cleanups.push(() => db.drop());
    return createPostgresStore({ connectionString: db.url, poolSize: 4, encrypter: key, clock });
  },
};

const workflow: Workflow = {
  apiVersion: 'innominatus.io/v1',
  kind: 'Workflow',
  metadata: { name: 'thing-create' },
  steps: ['one', 'two', 'three'].map((name) => ({ name, type: 'test-record', with: { step: name } })),
  outputs: { one: '${{ steps.one.outputs.by }}', two: '${{ steps.two.outputs.by }}', three: '${{ steps.three.outputs.by }}' },
} as Workflow;

/** Writes of a run, as one replica's store handle saw them: the method and `ok` or the refusal's code. */
type WriteLog = string[];
const WRITES = new Set(['createRun', 'updateRun', 'putStep', 'transition', 'patchResource', 'release']);

/** The store as one replica sees it, logging every write of a run and its outcome. */
function spied(store: Store, log: WriteLog): Store {
  return new Proxy(store, {
    get(target, p) {
      const v = Reflect.get(target, p, target);
      if (typeof v !== 'function') return v;
      if (!WRITES.has(String(p))) return v.bind(target);
      return async (...args: unknown[]) => {
        const what = p === 'putStep' ? `putStep ${(args[0] as { name: string; status: string }).name} ${(args[0] as { status: string }).status}` : String(p);
        try {
          const result = await v.apply(target, args);
          log.push(`${what}: ok`);
          return result;
        } catch (error) {
          log.push(`${what}: ${InnominatusError.is(error) ? error.code : 'error'}`);
          throw error;
        }
      };
    },
  });
}

/**
 * One replica: its own engine and orchestrator on the shared store. Its steps record `<replica>/<step>`;
 * `hold` makes one step wait on a gate, as a process frozen in the middle of it would.
 */
function replica(name: string, store: Store, clock: Clock, executions: string[], hold?: { step: string; gate: Promise<void> }) {
  const logs: string[] = [];
  const logger: Logger = {
    debug: () => undefined,
    info: (m) => logs.push(m),
    warn: (m) => logs.push(m),
    error: (m) => logs.push(m),
  };
  const record = defineStep({
    type: 'test-record',
    description: 'Records which replica ran which step',
    timeout: '60s',
    input: Type.Object({ step: Type.String() }),
    output: Type.Object({ by: Type.String() }),
    async run(input) {
      executions.push(`${name}/${input.step}`);
      if (hold?.step === input.step) await hold.gate;
      return { by: name };
    },
  });
  const engine = createEngine({ steps: [record], journal: store, encrypter: key, defaultRetry: { attempts: 1 }, logger });
  const o = createOrchestrator({
    store,
    engine,
    registry: staticResolver({ thing: { create: workflow } }),
    owner: name,
    leaseMs: LEASE_MS,
    heartbeatMs: 1_000,
    pollIntervalMs: 1_000,
    clock,
    logger,
  });
  cleanups.push(() => o.stop({ graceMs: 0 }));
  return { o, logs };
}

describe.each(Object.keys(stores))('lease fencing on %s', (kind) => {
  it('a replica paused past its lease writes nothing after another claimed the resource: its late writes are refused with LEASE_LOST', async () => {
    // The store and replica B share one clock; replica A's clock never moves: A is frozen (a long GC pause), its timers with it.
    const clock = createFakeClock();
    const frozen = createFakeClock();
    const shared = await stores[kind]!(clock);
    cleanups.push(() => shared.close());
    const executions: string[] = [];
    let thaw!: () => void;
    const gate = new Promise<void>((resolve) => (thaw = resolve));
    const writesOfA: WriteLog = [];
    const a = replica('A', spied(shared, writesOfA), frozen, executions, { step: 'two', gate });
    const b = replica('B', shared, clock, executions);

    a.o.start();
    const { id } = await a.o.submit({ application: 'shop', name: 'db', type: 'thing', properties: {} });
    await waitFor('A to be inside step two', () => executions.includes('A/two'));
    const leasedByA = await shared.getResource(id);
    expect(leasedByA).toMatchObject({ state: 'provisioning', leaseOwner: 'A' });
    b.o.start();

    // Just short of A's lease, B may not take the resource.
    await clock.advance(LEASE_MS - 1);
    expect(executions).toEqual(['A/one', 'A/two']);
    // Past it, B's next poll claims it (a new lease epoch), resumes the run at step two and finishes it.
    await clock.advance(1_001);
    const done = await waitFor('B to finish the resource', async () => {
      const r = await shared.getResource(id);
      return r?.state === 'active' && r;
    });
    expect(done.outputs).toEqual({ one: 'A', two: 'B', three: 'B' });
    expect(executions).toEqual(['A/one', 'A/two', 'B/two', 'B/three']);

    // A wakes up: its step two ends and it tries to journal the result under its old epoch.
    const before = writesOfA.length;
    thaw();
    await waitFor('A to stop its run', () => a.o.running().length === 0);
    expect(writesOfA.slice(before)).toEqual(['putStep two succeeded: LEASE_LOST']);
    expect(a.logs).toContain('lease lost: another replica claimed the resource; this run stops and writes nothing more');
    // A did not go on to step three, and nothing it did after B's claim landed.
    expect(executions).toEqual(['A/one', 'A/two', 'B/two', 'B/three']);
    expect(await shared.getResource(id)).toMatchObject({ state: 'active', outputs: { one: 'A', two: 'B', three: 'B' } });
    expect(await shared.getResource(id)).not.toHaveProperty('leaseOwner');
    expect((await shared.listTransitions(id)).map((t) => [t.from, t.to, t.reason])).toEqual([
      [undefined, 'requested', 'create requested'],
      ['requested', 'provisioning', 'create started by A'],
      ['provisioning', 'active', "create workflow 'thing-create' of provider 'static' succeeded"],
    ]);
    const runId = `${id}:create:1`;
    expect(await shared.getRun(runId)).toMatchObject({ status: 'succeeded', attempt: 2, outputs: { one: 'A', two: 'B', three: 'B' } });
    const steps = await shared.listSteps(runId);
    expect(steps.map((s) => [s.name, s.status, s.outputs])).toEqual([
      ['one', 'succeeded', { by: 'A' }],
      ['two', 'succeeded', { by: 'B' }],
      ['three', 'succeeded', { by: 'B' }],
    ]);
  });
});
