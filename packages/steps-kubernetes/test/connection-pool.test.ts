import { Agent, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createKubernetesClient, KubernetesError, type KubernetesClient } from '@innominatus/steps-kubernetes';
import { createMockCluster, mockKubeConfig, type MockCluster, type MockClusterServer } from '@innominatus/steps-kubernetes/testing';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups.length = 0;
});

async function served(): Promise<{ cluster: MockCluster; server: MockClusterServer }> {
  const cluster = createMockCluster({ namespaces: ['apps'] });
  cleanups.push(() => cluster.close());
  const server = await cluster.listen();
  cluster.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'apps' }, data: { a: '1' } });
  return { cluster, server };
}

function clientOf(kubeconfig: MockClusterServer['kubeConfig'], maxSockets?: number): KubernetesClient {
  const client = createKubernetesClient({ kubeconfig, retry: { retries: 0 }, ...(maxSockets ? { connections: { maxSockets } } : {}) });
  cleanups.push(() => client.close());
  return client;
}

const settings = { apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', namespace: 'apps' };

describe('kept-alive connections to the API server', () => {
  it('carries sequential calls on one connection', async () => {
    const { cluster, server } = await served();
    const client = clientOf(server.kubeConfig);
    for (let n = 0; n < 10; n++) expect((await client.get(settings))?.data).toEqual({ a: '1' });
    await client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'apps' }, data: { a: '2' } });
    // Discovery, ten reads and an apply: twelve requests, one connection.
    expect(cluster.requests).toHaveLength(12);
    expect(server.connectionsAccepted()).toBe(1);
  });

  it('opens no more connections than maxSockets for a burst, and answers every call', async () => {
    const { cluster, server } = await served();
    const client = clientOf(server.kubeConfig, 4);
    const answers = await Promise.all(Array.from({ length: 60 }, () => client.get(settings)));
    expect(answers.map((a) => a?.data)).toEqual(Array.from({ length: 60 }, () => ({ a: '1' })));
    expect(cluster.countRequests({ verb: 'get' })).toBe(60);
    expect(server.connectionsAccepted()).toBeGreaterThanOrEqual(1);
    expect(server.connectionsAccepted()).toBeLessThanOrEqual(4);
  });

  it('keeps watches off the request pool: open watches do not hold calls up', async () => {
    const { server } = await served();
    const client = clientOf(server.kubeConfig, 1);
    const controllers = await Promise.all(
      Array.from({ length: 3 }, () =>
        client.watch(
          '/api/v1/namespaces/apps/configmaps',
          {},
          () => {},
          () => {},
        ),
      ),
    );
    cleanups.push(() => {
      for (const c of controllers) c.abort();
    });
    expect((await client.get(settings))?.data).toEqual({ a: '1' });
    // Three watches of their own and the one connection of the calls.
    expect(server.connectionsAccepted()).toBe(4);
  });

  it('goes on after the server closed its idle kept-alive connections', async () => {
    const { cluster, server } = await served();
    const client = createKubernetesClient({ kubeconfig: server.kubeConfig, retry: { retries: 3, minTimeoutMs: 1, maxTimeoutMs: 5 } });
    cleanups.push(() => client.close());
    expect((await client.get(settings))?.data).toEqual({ a: '1' });
    const port = server.port;
    await server.close();
    const again = await cluster.listen({ port });
    expect((await client.get(settings))?.data).toEqual({ a: '1' });
    expect((await client.get(settings))?.data).toEqual({ a: '1' });
    expect(again.connectionsAccepted()).toBe(1);
  });

  it('fails a call in flight when the server goes away at once, as retryable K8S_UNAVAILABLE', async () => {
    const { cluster, server } = await served();
    const client = clientOf(server.kubeConfig);
    await client.resource('v1', 'ConfigMap');
    cluster.faults.delay({ verb: 'get', ms: 20_000 });
    const call = client.get(settings);
    await vi.waitFor(() => expect(cluster.countRequests({ verb: 'get' })).toBe(1), { timeout: 30_000, interval: 5 });
    await server.close();
    const err = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KubernetesError);
    expect(err).toMatchObject({ kubernetesCode: 'K8S_UNAVAILABLE', retryable: true });
  });

  it('reads complete chunked answers when a freed connection goes straight to the next call', async () => {
    // Answers chunked, as a real API server does for larger bodies: node-fetch 2 once took the next call's
    // listener on the reused connection for a cut-short answer and failed the complete one ("Premature close").
    const objects: Record<string, unknown> = {
      '/api/v1': { kind: 'APIResourceList', groupVersion: 'v1', resources: [{ name: 'configmaps', namespaced: true, kind: 'ConfigMap', verbs: ['get'] }] },
      '/api/v1/namespaces/apps/configmaps/settings': {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'settings', namespace: 'apps' },
        data: { a: '1' },
      },
    };
    let accepted = 0;
    const server: Server = createServer((req, res) => {
      const body = JSON.stringify(objects[new URL(req.url ?? '/', 'http://x').pathname] ?? {});
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(body.slice(0, 10));
      setImmediate(() => res.end(body.slice(10)));
    });
    server.on('connection', () => accepted++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const client = createKubernetesClient({
      kubeconfig: mockKubeConfig(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
      retry: { retries: 0 },
      connections: { maxSockets: 2 },
    });
    cleanups.push(() => client.close());
    const answers = await Promise.all(Array.from({ length: 40 }, () => client.get(settings)));
    expect(answers.map((a) => a?.data)).toEqual(Array.from({ length: 40 }, () => ({ a: '1' })));
    expect(accepted).toBeLessThanOrEqual(2);
  });
  it('never sends a call that waited for a connection when its signal aborted meanwhile', async () => {
    // One connection, held by a read the test answers when it likes; an apply queued behind it is aborted.
    const seen: string[] = [];
    let release: (() => void) | undefined;
    const server: Server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      seen.push(`${req.method} ${path}`);
      res.setHeader('content-type', 'application/json');
      if (path === '/api/v1') {
        res.end(
          JSON.stringify({
            kind: 'APIResourceList',
            groupVersion: 'v1',
            resources: [{ name: 'configmaps', namespaced: true, kind: 'ConfigMap', verbs: ['get', 'patch'] }],
          }),
        );
        return;
      }
      const answer = () => res.end(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'apps' } }));
      if (req.method === 'GET' && !release) release = answer;
      else answer();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const kubeconfig = mockKubeConfig(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const client = createKubernetesClient({ kubeconfig, retry: { retries: 0 }, connections: { maxSockets: 1 } });
    cleanups.push(() => client.close());
    await client.resource('v1', 'ConfigMap');
    const held = client.get(settings);
    await vi.waitFor(() => expect(release).toBeDefined(), { timeout: 30_000, interval: 5 });
    // addRequest is how a request asks the agent for a connection (Node's own, not in its types).
    const addRequest = vi.spyOn(Agent.prototype as Agent & { addRequest(...args: unknown[]): void }, 'addRequest');
    cleanups.push(() => addRequest.mockRestore());
    const abort = new AbortController();
    const queued = client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'apps' } }, { signal: abort.signal });
    // Its outcome, taken at once: the abort rejects it before the test looks.
    const outcome = queued.then(
      () => undefined,
      (e: unknown) => e,
    );
    // The apply's request is with the agent, waiting for the one connection.
    await vi.waitFor(() => expect(addRequest).toHaveBeenCalledTimes(1), { timeout: 30_000, interval: 5 });
    abort.abort(new Error('step timed out'));
    release?.();
    await held;
    expect(await outcome).toMatchObject({ message: 'step timed out' });
    // A later call goes through the same queue: had the apply still been queued, it would have been sent first.
    await client.get(settings);
    expect(seen).toEqual(['GET /api/v1', 'GET /api/v1/namespaces/apps/configmaps/settings', 'GET /api/v1/namespaces/apps/configmaps/settings']);
  });
});
