import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { aesGcmEncrypter, createEngine, createOrchestrator, type Orchestrator, type Store } from '@innominatus/core';
import { createMockCluster, type MockCluster, type MockClusterServer } from '@innominatus/steps-kubernetes/testing';
import { afterEach, expect, it } from 'vitest';
import { createFakeClock } from '@innominatus/core/testing';
import { createPostgresStore } from '../src/index';
import { clusterRegistry, clusterSteps, SHARED_KEY } from './fixtures/cluster-workflow';
import { waitFor } from './fixtures/wait-for';
import { createTestDatabase, databaseUrl } from '@innominatus/store-sql/testing';

databaseUrl();

const LEASE_MS = 1_500;
const worker = fileURLToPath(new URL('./fixtures/crash-worker.ts', import.meta.url));
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups.length = 0;
});

it('a second orchestrator takes over from a SIGKILLed one after the lease expires, without repeating completed steps', async () => {
  const db = await createTestDatabase();
  cleanups.push(() => db.drop());
  const cluster: MockCluster = createMockCluster();
  const server: MockClusterServer = await cluster.listen();
  cleanups.push(() => server.close());
  const store: Store = await createPostgresStore({ connectionString: db.url, poolSize: 4, encrypter: aesGcmEncrypter(SHARED_KEY) });
  cleanups.push(() => store.close());

  const resource = await store.createResource({ application: 'shop', name: 'orders-db', type: 'configmap', properties: { size: 'M' } });

  const child: ChildProcess = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', worker], {
    env: { ...process.env, DATABASE_URL: db.url, CLUSTER_URL: server.url, LEASE_MS: String(LEASE_MS) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
  });

  await waitFor(`the child to start waiting (output so far: ${output})`, () => output.includes('step:started wait'), 30_000);
  await waitFor('the child to poll the cluster', () => cluster.countRequests({ verb: 'get', path: /configmaps\/orders-db$/ }) > 0);
  expect(await store.getResource(resource.id)).toMatchObject({ state: 'provisioning', leaseOwner: 'doomed-child' });

  // Kill the whole process group, so nothing the worker started survives it.
  process.kill(-child.pid!, 'SIGKILL');
  expect(await exited).toBe('SIGKILL');
  cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'orders-db', namespace: 'default' }, data: { size: 'M', ready: 'true' } });

  // The survivor's time is a fake clock starting when the dead child last took or renewed its lease (however long
  // ago that was on a loaded machine): it can take over only once that clock passes the lease's expiry.
  const { leaseExpiresAt } = (await store.getResource(resource.id))!;
  const clock = createFakeClock(Date.parse(leaseExpiresAt!) - LEASE_MS);
  const survivorStore: Store = await createPostgresStore({ connectionString: db.url, poolSize: 4, encrypter: aesGcmEncrypter(SHARED_KEY), clock });
  cleanups.push(() => survivorStore.close());
  const engine = createEngine({ steps: clusterSteps(server.url), journal: survivorStore, encrypter: SHARED_KEY, defaultRetry: { attempts: 1 } });
  const survivor: Orchestrator = createOrchestrator({
    store: survivorStore,
    engine,
    registry: clusterRegistry,
    owner: 'survivor',
    leaseMs: LEASE_MS,
    pollIntervalMs: 200,
    clock,
  });
  const resumed: boolean[] = [];
  survivor.events.on('run:started', (e) => resumed.push(e.resumed));
  survivor.start();
  cleanups.unshift(() => survivor.stop({ graceMs: 0 }));

  // Polls while the lease still holds claim nothing.
  for (let i = 0; i < 5; i++) await clock.advance(200);
  expect(resumed).toEqual([]);
  expect(await store.getResource(resource.id)).toMatchObject({ state: 'provisioning', leaseOwner: 'doomed-child' });
  await clock.advance(LEASE_MS);
  const active = await waitFor('the resource to become active', async () => {
    const r = await store.getResource(resource.id);
    return r?.state === 'active' ? r : undefined;
  });
  expect(resumed).toEqual([true]);
  expect(cluster.countRequests({ verb: 'patch', path: '/api/v1/namespaces/default/configmaps/orders-db' })).toBe(1);
  expect(active.outputs?.uid).toBe(cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'orders-db', namespace: 'default' })?.metadata.uid);
  const run = await store.getRun(`${resource.id}:create:1`);
  expect(run).toMatchObject({ status: 'succeeded', attempt: 2 });
  expect((await store.listSteps(`${resource.id}:create:1`)).map((s) => [s.name, s.status])).toEqual([
    ['apply', 'succeeded'],
    ['wait', 'succeeded'],
  ]);
  expect((await store.listTransitions(resource.id)).map((t) => t.to)).toEqual(['requested', 'provisioning', 'active']);
}, 60_000);
