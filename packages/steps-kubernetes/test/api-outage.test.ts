import { createEngine, createOrchestrator, MemoryStore, type ResourceRecord, type Workflow } from '@innominatus/core';
import { createFakeClock, staticResolver } from '@innominatus/core/testing';
import { kubernetesSteps } from '@innominatus/steps-kubernetes';
import { createMockCluster, type MockClusterServer, type MockObject } from '@innominatus/steps-kubernetes/testing';
import { afterEach, expect, it, vi } from 'vitest';

const OUTAGE_MS = 180_000;

/** Apply a ConfigMap named after the resource, then wait until a controller marks it ready. */
const workflow: Workflow = {
  apiVersion: 'innominatus.io/v1',
  kind: 'Workflow',
  metadata: { name: 'settings-create' },
  steps: [
    {
      name: 'apply',
      type: 'kubernetes-apply',
      with: {
        namespace: 'apps',
        manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '${{ resource.name }}' }, data: { owner: 'innominatus' } }],
      },
    },
    {
      name: 'ready',
      type: 'wait-for-condition',
      with: {
        resource: { apiVersion: 'v1', kind: 'ConfigMap', name: '${{ resource.name }}', namespace: 'apps' },
        successWhen: "has(object.data.ready) && object.data.ready == 'true'",
      },
    },
  ],
  outputs: { uid: '${{ steps.apply.outputs.objects[0].uid }}' },
};

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups.length = 0;
});

const waitUntil = <T>(what: string, read: () => Promise<T | undefined | false> | T | undefined | false) =>
  vi.waitFor(
    async () => {
      const v = await read();
      if (!v) throw new Error(`still waiting for ${what}`);
      return v;
    },
    { timeout: 30_000, interval: 10 },
  );

it('waits out a 3-minute API server outage (connections refused) over HTTP: every resource in flight ends active by itself, each ConfigMap applied once, one run each', async () => {
  const cluster = createMockCluster({ namespaces: ['apps'] });
  cleanups.push(() => cluster.close());
  let server: MockClusterServer = await cluster.listen();
  const port = Number(new URL(server.url).port);
  // Orchestrator and store share a fake clock: the outage's three minutes, and every backoff of the orchestrator, pass when the test moves it.
  const clock = createFakeClock();
  const store = new MemoryStore({ clock });
  // The client's and the step's own retries wait in real time; they are for blips. Kept short here, they give up within
  // milliseconds and the orchestrator, whose backoff runs on the injected clock, waits the outage out.
  const steps = kubernetesSteps({ kubeconfig: server.kubeConfig, retry: { retries: 1, minTimeoutMs: 5, maxTimeoutMs: 10 } });
  const engine = createEngine({ steps, journal: store, defaultRetry: { attempts: 1 } });
  const o = createOrchestrator({ store, engine, registry: staticResolver({ settings: { create: workflow } }), clock });
  cleanups.push(() => o.stop({ graceMs: 0 }));
  const retrying = new Map<string, { failedTries: number; code: string; retryable: boolean | undefined }[]>();
  o.events.on('resource:retrying', (e) =>
    retrying.set(e.resourceId, [...(retrying.get(e.resourceId) ?? []), { failedTries: e.failedTries, code: e.error.code, retryable: e.error.retryable }]),
  );
  const firstRuns = new Map<string, number>();
  o.events.on('run:started', (e) => !e.resumed && firstRuns.set(e.resourceId, (firstRuns.get(e.resourceId) ?? 0) + 1));
  const waiting = new Set<string>();
  o.events.on('step:started', (e) => e.step === 'ready' && waiting.add(e.resourceId));

  // The controller marks a ConfigMap ready, once the API server is back.
  let serving = false;
  const markReady = (object: MockObject) => {
    if (!serving || object.kind !== 'ConfigMap' || (object.data as Record<string, string> | undefined)?.ready === 'true') return;
    queueMicrotask(() =>
      cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: object.metadata.name, namespace: 'apps' }, data: { ready: 'true' } }),
    );
  };
  cluster.events.on('change', (e: { object: MockObject; type: string }) => e.type !== 'DELETED' && markReady(e.object));

  o.start();
  // Six resources are applied and waiting when the API server goes away...
  const waiters: ResourceRecord[] = [];
  for (let n = 0; n < 6; n++) waiters.push(await o.submit({ application: 'shop', name: `wait-${n}`, type: 'settings', properties: {} }));
  await waitUntil('every waiter to be waiting for its ConfigMap', () => waiters.every((r) => waiting.has(r.id)));
  await server.close();
  const downUntil = clock.now() + OUTAGE_MS;
  // ...and four more are requested during the outage: their apply cannot connect.
  const late: ResourceRecord[] = [];
  for (let n = 0; n < 4; n++) late.push(await o.submit({ application: 'shop', name: `late-${n}`, type: 'settings', properties: {} }));
  await waitUntil('every late resource to have failed its first try', () => late.every((r) => retrying.has(r.id)));
  const first = await store.getResource(late[0]!.id);
  // Visible while it waits: still provisioning, the last error retryable, when the streak began and when the next try is.
  expect(first).toMatchObject({
    state: 'provisioning',
    pendingOperation: 'create',
    attempts: 1,
    error: { retryable: true, since: new Date(clock.now()).toISOString() },
  });
  expect(Date.parse(first!.nextAttemptAt!)).toBeGreaterThan(clock.now());

  // Three minutes pass, one second at a time; each time, the tries that fell due end before time moves on (the waiters keep waiting).
  while (clock.now() < downUntil) {
    await clock.advance(1_000);
    await waitUntil('the tries due now to end', () => o.running().length === waiters.length);
  }
  for (const r of late) {
    const tries = retrying.get(r.id)!;
    expect(tries.every((t) => t.retryable === true)).toBe(true);
    expect(tries.at(-1)!.failedTries).toBeGreaterThanOrEqual(6);
    expect(await store.getResource(r.id)).toMatchObject({ state: 'provisioning', pendingOperation: 'create' });
  }
  for (const r of waiters) expect(await store.getResource(r.id)).toMatchObject({ state: 'provisioning', attempts: 0 });

  // The API server comes back on the same address; nobody retries anything by hand.
  server = await cluster.listen({ port });
  serving = true;
  for (const cm of cluster.list('v1', 'ConfigMap', { namespace: 'apps' })) markReady(cm);
  // The longest backoff is a minute: within it, every late resource tries again.
  for (let s = 0; s < 61; s++) await clock.advance(1_000);
  const all = [...waiters, ...late];
  await waitUntil('every resource to be active', async () => {
    const states = await Promise.all(all.map(async (r) => (await store.getResource(r.id))?.state));
    return states.every((s) => s === 'active');
  });

  for (const r of all) {
    expect((await store.listTransitions(r.id)).map((t) => t.to)).toEqual(['requested', 'provisioning', 'active']);
    const run = await store.getRun(`${r.id}:create:1`);
    expect(run?.status).toBe('succeeded');
    expect((await store.listSteps(`${r.id}:create:1`)).map((s) => [s.name, s.status])).toEqual([
      ['apply', 'succeeded'],
      ['ready', 'succeeded'],
    ]);
    // One apply reached the API server per ConfigMap, and one run was started per resource (later tries resumed it).
    expect(cluster.countRequests({ verb: 'patch', path: `/api/v1/namespaces/apps/configmaps/${r.name}` })).toBe(1);
    expect(firstRuns.get(r.id)).toBe(1);
    const uid = cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: r.name, namespace: 'apps' })?.metadata.uid;
    expect((await store.getResource(r.id))?.outputs).toEqual({ uid });
  }
  // The waiters waited through the outage without failing a try; the late ones retried, run resumed each time.
  for (const r of waiters) expect(retrying.has(r.id)).toBe(false);
  for (const r of late) expect((await store.getRun(`${r.id}:create:1`))!.attempt).toBe(retrying.get(r.id)!.length + 1);
}, 120_000);
