import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aesGcmEncrypter, createEngine, createOrchestrator } from '@innominatus/core';
import { expect, it, vi } from 'vitest';
import { createFakeClock } from '@innominatus/core/testing';
import { createSqliteStore } from '../src/index';
import { countingFixture } from './fixtures/counting-workflow';

it('serves create, update and delete on SQLite, woken by each request (its clock never reaches the poll), and leaves no secret in the database files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'orch-sqlite-'));
  const key = aesGcmEncrypter(Buffer.alloc(32, 1));
  const store = await createSqliteStore({ filename: join(dir, 'innominatus.db'), encrypter: key });
  const fixture = countingFixture();
  const engine = createEngine({ steps: fixture.steps, journal: store, encrypter: key, defaultRetry: { attempts: 1 } });
  // The orchestrator's clock never moves: every run below starts because a request woke it, not because the poll came round.
  const clock = createFakeClock();
  const o = createOrchestrator({ store, engine, registry: fixture.registry, pollIntervalMs: 5_000, clock });
  try {
    o.start();
    const neighbour = await o.submit({ application: 'shop', name: 'neighbour', type: 'thing', properties: { size: 'S' } });
    const { id } = await o.submit({ application: 'shop', name: 'db', type: 'thing', properties: { size: 'S' } });
    const settled = (state: string, which = id) =>
      vi.waitFor(
        async () => {
          const r = await store.getResource(which);
          expect([r?.state, r?.pendingOperation]).toEqual([state, undefined]);
          return r!;
        },
        { timeout: 10_000, interval: 10 },
      );
    await settled('active', neighbour.id);
    await settled('active');
    await o.update(id, { size: 'L' });
    expect((await settled('active')).outputs?.size).toBe('L');
    await o.delete(id);
    await settled('terminated');
    expect((await store.listTransitions(id)).map((t) => t.to)).toEqual([
      'requested',
      'provisioning',
      'active',
      'updating',
      'active',
      'terminating',
      'terminated',
    ]);
    expect(Object.fromEntries(fixture.executions)).toEqual({
      'neighbour/create/one': 1,
      'neighbour/create/two': 1,
      'db/create/one': 1,
      'db/create/two': 1,
      'db/update/one': 1,
      'db/update/two': 1,
      'db/delete/one': 1,
      'db/delete/two': 1,
    });
    await o.stop();
    await store.close();
    const bytes = readdirSync(dir)
      .map((f) => readFileSync(join(dir, f)).toString('latin1'))
      .join('');
    expect(bytes).toContain('$sensitive');
    expect(bytes).not.toContain('tok-SECRET');
    expect(clock.now()).toBe(Date.UTC(2026, 0, 1));
  } finally {
    await o.stop({ graceMs: 0 });
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
