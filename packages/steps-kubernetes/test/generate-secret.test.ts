import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, isSensitive, MemoryJournal, reveal, sensitive, type Workflow } from '@innominatus/core';
import { generateSecret, KubernetesClient, kubernetesSteps } from '@innominatus/steps-kubernetes';
import type { MockCluster } from '@innominatus/steps-kubernetes/testing';
import { context, FAST_RETRY, harness, rejection } from './harness';
import { SERVE_MODES, servedCluster } from './serve-modes';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

/** A scripted random source: 0, 1, 2, ... (modulo the alphabet size), counting its draws. */
function counter() {
  let n = 0;
  const source = (max: number) => n++ % max;
  return { source, draws: () => n };
}

const ref = { apiVersion: 'v1', kind: 'Secret', name: 'cache-pw', namespace: 'apps' };

function secretData(cluster: MockCluster): Record<string, string> {
  const data = (cluster.get(ref)?.data ?? {}) as Record<string, string>;
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, unb64(v)]));
}

function secretWrites(cluster: MockCluster): string[] {
  return cluster.requests.filter((r) => r.path.startsWith('/api/v1/namespaces/apps/secrets') && r.verb !== 'get').map((r) => `${r.verb} ${r.status}`);
}

describe.each(SERVE_MODES)('generate-secret through %s', (mode) => {
  let cluster: MockCluster;
  let client: KubernetesClient;
  afterEach(async () => cluster.close());

  it('creates the Secret with values drawn from the alphabet and outputs them as sensitive values', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    const random = counter();
    const ctx = context();
    const out = await generateSecret({ client, randomInt: random.source }).run(
      {
        name: 'cache-pw',
        namespace: 'apps',
        labels: { app: 'cache' },
        generate: { password: { length: 6 }, token: { length: 4, alphabet: 'hex' }, pin: { length: 3, characters: 'xyz' } },
      },
      ctx,
    );
    expect(secretData(cluster)).toEqual({ password: 'ABCDEF', token: '6789', pin: 'yzx' });
    expect(cluster.get(ref)).toMatchObject({ type: 'Opaque', metadata: { labels: { app: 'cache' } } });
    expect(random.draws()).toBe(13);
    expect({ ...out, data: undefined }).toEqual({
      name: 'cache-pw',
      namespace: 'apps',
      keys: ['password', 'token', 'pin'],
      created: true,
      changed: ['password', 'token', 'pin'],
      data: undefined,
    });
    expect(Object.values(out.data).every(isSensitive)).toBe(true);
    expect(Object.fromEntries(Object.entries(out.data).map(([k, v]) => [k, reveal(v)]))).toEqual({ password: 'ABCDEF', token: '6789', pin: 'yzx' });
    expect(ctx.remembered).toEqual({ generated: sensitive({ password: 'ABCDEF', token: '6789', pin: 'yzx' }) });
    expect(isSensitive(ctx.remembered.generated)).toBe(true);
    expect(ctx.progressUpdates.map((p) => p.message)).toEqual(['created Secret apps/cache-pw with 3 generated key(s): password, token, pin']);
    expect(JSON.stringify([out, ctx.progressUpdates, ctx.logs, ctx.remembered])).not.toMatch(/ABCDEF|6789/);
    expect(secretWrites(cluster)).toEqual(['create 201']);
  });

  it('keeps the values of an existing Secret: nothing drawn, nothing written', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    cluster.apply({ ...ref, metadata: { name: 'cache-pw', namespace: 'apps' }, data: { password: b64('kept-value') } });
    const random = counter();
    const ctx = context();
    const out = await generateSecret({ client, randomInt: random.source }).run(
      { name: 'cache-pw', namespace: 'apps', generate: { password: { length: 8 } } },
      ctx,
    );
    expect(reveal(out.data.password)).toBe('kept-value');
    expect([out.created, out.changed]).toEqual([false, []]);
    expect(random.draws()).toBe(0);
    expect(ctx.remembered).toEqual({});
    expect(secretWrites(cluster)).toEqual([]);
    expect(ctx.progressUpdates.map((p) => p.message)).toEqual(['Secret apps/cache-pw exists; kept its values of password']);
  });

  it('adds only the keys an existing Secret lacks, keeping the others and its foreign keys', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    cluster.apply({ ...ref, metadata: { name: 'cache-pw', namespace: 'apps' }, data: { password: b64('kept-value'), other: b64('theirs') } });
    const out = await generateSecret({ client, randomInt: counter().source }).run(
      { name: 'cache-pw', namespace: 'apps', generate: { password: { length: 8 }, token: { length: 3 } } },
      context(),
    );
    expect(secretData(cluster)).toEqual({ password: 'kept-value', other: 'theirs', token: 'IJK' });
    expect([out.created, out.changed, reveal(out.data.password), reveal(out.data.token)]).toEqual([false, ['token'], 'kept-value', 'IJK']);
    expect(Object.keys(out.data)).toEqual(['password', 'token']);
    expect(secretWrites(cluster)).toEqual(['patch 200']);
  });

  it('rotates the generated keys only when asked', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    cluster.apply({ ...ref, metadata: { name: 'cache-pw', namespace: 'apps' }, data: { password: b64('old-value'), other: b64('theirs') } });
    const ctx = context();
    const out = await generateSecret({ client, randomInt: counter().source }).run(
      { name: 'cache-pw', namespace: 'apps', rotate: true, generate: { password: { length: 5, alphabet: 'lowercase' } } },
      ctx,
    );
    expect(secretData(cluster)).toEqual({ password: 'abcde', other: 'theirs' });
    expect([out.created, out.changed, reveal(out.data.password)]).toEqual([false, ['password'], 'abcde']);
    expect(ctx.progressUpdates.map((p) => p.message)).toEqual(['rotated password in Secret apps/cache-pw']);
  });

  it('uses what is there when another writer creates the Secret between its read and its create (409)', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    cluster.faults.failNext({
      verb: 'create',
      status: 409,
      message: 'secrets "cache-pw" already exists',
      match: () => {
        cluster.apply({ ...ref, metadata: { name: 'cache-pw', namespace: 'apps' }, data: { password: b64('won-the-race') } });
        return true;
      },
    });
    const out = await generateSecret({ client, randomInt: counter().source }).run(
      { name: 'cache-pw', namespace: 'apps', generate: { password: { length: 8 } } },
      context(),
    );
    expect([out.created, out.changed, reveal(out.data.password)]).toEqual([false, [], 'won-the-race']);
    expect(secretData(cluster)).toEqual({ password: 'won-the-race' });
  });

  it('writes the remembered values of a resumed run instead of drawing new ones', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    const random = counter();
    const ctx = context();
    Object.assign(ctx.remembered, { generated: sensitive({ password: 'from-first-try' }) });
    const out = await generateSecret({ client, randomInt: random.source }).run(
      { name: 'cache-pw', namespace: 'apps', generate: { password: { length: 14 } } },
      ctx,
    );
    expect(random.draws()).toBe(0);
    expect(secretData(cluster)).toEqual({ password: 'from-first-try' });
    expect(reveal(out.data.password)).toBe('from-first-try');
  });

  it('refuses an alphabet with a repeated character and a key naming both alphabet and characters, before any request', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    const step = generateSecret({ client });
    const repeated = await rejection(step.run({ name: 'cache-pw', namespace: 'apps', generate: { pin: { length: 4, characters: 'abca' } } }, context()));
    expect([repeated.kubernetesCode, repeated.message]).toEqual([
      'K8S_INPUT_INVALID',
      'generate.pin.characters: each character may appear once (a repeated one would be drawn more often)',
    ]);
    const both = await rejection(
      step.run({ name: 'cache-pw', namespace: 'apps', generate: { pin: { length: 4, alphabet: 'hex', characters: 'ab' } } }, context()),
    );
    expect(both.message).toBe('generate.pin: give either alphabet or characters, not both');
    expect(cluster.requests.filter((r) => r.path.includes('/secrets'))).toEqual([]);
  });
});

describe('generate-secret in the engine', () => {
  let cluster: MockCluster;
  afterEach(async () => cluster.close());

  const wf: Workflow = {
    apiVersion: 'innominatus.io/v1',
    kind: 'Workflow',
    metadata: { name: 'cache' },
    steps: [{ name: 'password', type: 'generate-secret', with: { name: 'cache-pw', namespace: 'apps', generate: { password: { length: 10 } } } }],
    outputs: { password: '${{ steps.password.outputs.data.password }}' },
  };

  it('draws once: a run whose create was refused, resumed by another engine, writes and outputs the same value; journal and events hold no value', async () => {
    const served = await servedCluster('nock', { namespaces: ['apps'] });
    cluster = served.cluster;
    const random = counter();
    const journal = new MemoryJournal();
    const key = 'c'.repeat(64);
    const engine = () =>
      createEngine({ steps: kubernetesSteps({ kubeconfig: served.kubeConfig, retry: FAST_RETRY, randomInt: random.source }), journal, encrypter: key });
    const events: unknown[] = [];
    const first = engine();
    for (const e of ['step:started', 'step:succeeded', 'step:failed', 'step:progress', 'run:succeeded', 'run:failed'] as const)
      first.events.on(e, (p: unknown) => events.push(p));
    cluster.faults.failNext({ verb: 'create', status: 403, message: 'secrets is forbidden' });
    await expect(first.run(wf, { runId: 'cache-1' })).rejects.toMatchObject({ code: 'STEP_FAILED' });
    expect(cluster.get(ref)).toBeUndefined();
    expect(random.draws()).toBe(10);

    const second = engine();
    for (const e of ['step:started', 'step:succeeded', 'step:failed', 'step:progress', 'run:succeeded', 'run:failed'] as const)
      second.events.on(e, (p: unknown) => events.push(p));
    const result = await second.resume('cache-1');
    expect(random.draws()).toBe(10);
    expect(secretData(cluster)).toEqual({ password: 'ABCDEFGHIJ' });
    expect(reveal(result.outputs.password)).toBe('ABCDEFGHIJ');
    expect(isSensitive(result.outputs.password)).toBe(true);
    const stored = JSON.stringify([await journal.getRun('cache-1'), await journal.listSteps('cache-1')]);
    expect(stored).not.toContain('ABCDEFGHIJ');
    expect(stored).not.toContain(b64('ABCDEFGHIJ'));
    expect(JSON.stringify(events)).not.toContain('ABCDEFGHIJ');
  });
});
