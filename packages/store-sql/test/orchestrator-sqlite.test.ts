import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aesGcmEncrypter, createEngine, createOrchestrator } from '@innominatus/core';
import { expect, it } from 'vitest';
import { createSqliteStore } from '../src/index';
import { countingFixture } from './fixtures/counting-workflow';

it('serves create, update and delete on SQLite, wakes within 100 ms, and leaves no secret in the database files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'orch-sqlite-'));
  const key = aesGcmEncrypter(Buffer.alloc(32, 1));
  const store = await createSqliteStore({ filename: join(dir, 'innominatus.db'), encrypter: key });
  const fixture = countingFixture();
  const engine = createEngine({ steps: fixture.steps, journal: store, encrypter: key, defaultRetry: { attempts: 1 } });
  const o = createOrchestrator({ store, engine, registry: fixture.registry, pollIntervalMs: 5_000 });
  try {
    o.start();
    // Warm-up: the first run compiles the workflow; the measured request is about detection.
    const warm = await o.submit({ application: 'shop', name: 'warm-up', type: 'thing', properties: { size: 'S' } });
    for (let i = 0; i < 400 && (await store.getResource(warm.id))?.state !== 'active'; i++) await new Promise((r) => setTimeout(r, 25));
    const started = new Promise<number>((resolve) => o.events.once('run:started', () => resolve(performance.now())));
    const t0 = performance.now();
    const { id } = await o.submit({ application: 'shop', name: 'db', type: 'thing', properties: { size: 'S' } });
    expect((await started) - t0).toBeLessThan(100);
    const settled = async (state: string) => {
      for (let i = 0; i < 400; i++) {
        const r = await store.getResource(id);
        if (r?.state === state && !r.pendingOperation) return r;
        await new Promise((res) => setTimeout(res, 25));
      }
      throw new Error(`timed out waiting for ${state}`);
    };
    await settled('active');
    await o.update(id, { size: 'L' });
    expect((await settled('active')).outputs?.size).toBe('L');
    await o.delete(id);
    await settled('terminated');
    expect((await store.listTransitions(id)).map((t) => t.to)).toEqual(['requested', 'provisioning', 'active', 'updating', 'active', 'terminating', 'terminated']);
    expect([...fixture.executions.entries()]).toEqual([
      ['warm-up/create/one', 1], ['warm-up/create/two', 1], ['db/create/one', 1], ['db/create/two', 1], ['db/update/one', 1], ['db/update/two', 1], ['db/delete/one', 1], ['db/delete/two', 1],
    ]);
    await o.stop();
    await store.close();
    const bytes = readdirSync(dir).map((f) => readFileSync(join(dir, f)).toString('latin1')).join('');
    expect(bytes).toContain('$sensitive');
    expect(bytes).not.toContain('tok-SECRET');
  } finally {
    await o.stop({ graceMs: 0 });
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
