import { afterEach, describe, expect, it, vi } from 'vitest';
import { CoreV1Api, KubernetesObjectApi, PatchStrategy, Watch, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { createMockCluster, postgresqlCrd, type MockCluster, type MockResponse } from '@innominatus/steps-kubernetes/testing';
import { SERVE_MODES, servedCluster } from './serve-modes';

const secret = (name: string, data: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: 'default', labels: { app: 'x' } },
  type: 'Opaque',
  data,
});

describe.each(SERVE_MODES)('mock cluster through %s', (mode) => {
  let cluster: MockCluster;
  let kc: KubeConfig;
  afterEach(async () => cluster.close());

  it('creates by server-side apply, removes what the manager no longer applies, and keeps resourceVersion when nothing changes', async () => {
    ({ cluster, kubeConfig: kc } = await servedCluster(mode));
    const api = KubernetesObjectApi.makeApiClient(kc);
    const first = await api.patch<KubernetesObject>(secret('s1', { a: 'YQ==' }), undefined, undefined, 'innominatus', true, PatchStrategy.ServerSideApply);
    const again = await api.patch<KubernetesObject>(secret('s1', { a: 'YQ==' }), undefined, undefined, 'innominatus', true, PatchStrategy.ServerSideApply);
    expect(again.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
    expect(again.metadata?.uid).toBe(first.metadata?.uid);
    const merged = await api.patch<KubernetesObject>(secret('s1', { b: 'Yg==' }), undefined, undefined, 'innominatus', true, PatchStrategy.ServerSideApply);
    expect((merged as { data: Record<string, string> }).data).toEqual({ b: 'Yg==' });
    expect(Number(merged.metadata?.resourceVersion)).toBeGreaterThan(Number(first.metadata?.resourceVersion));
    expect(cluster.countRequests({ verb: 'patch', path: '/api/v1/namespaces/default/secrets/s1' })).toBe(3);
  });

  it('answers get, list with selectors, delete and 404 like the API server', async () => {
    ({ cluster, kubeConfig: kc } = await servedCluster(mode));
    cluster.apply(secret('a'));
    cluster.apply({ ...secret('b'), metadata: { name: 'b', namespace: 'default', labels: { app: 'y' } } });
    const core = kc.makeApiClient(CoreV1Api);
    const list = await core.listNamespacedSecret({ namespace: 'default', labelSelector: 'app=y' });
    expect(list.items.map((s) => s.metadata?.name)).toEqual(['b']);
    await core.deleteNamespacedSecret({ name: 'a', namespace: 'default' });
    expect(cluster.get({ apiVersion: 'v1', kind: 'Secret', name: 'a', namespace: 'default' })).toBeUndefined();
    const err = await core.readNamespacedSecret({ name: 'a', namespace: 'default' }).then(
      () => ({ code: 0, body: '' }),
      (e: { code: number; body: string }) => e,
    );
    expect(err.code).toBe(404);
    expect(JSON.parse(err.body as string).message).toBe('secrets "a" not found');
  });

  it('streams watch events, resumes from a resourceVersion, and answers 410 for a compacted one', async () => {
    ({ cluster, kubeConfig: kc } = await servedCluster(mode));
    const created = cluster.apply(secret('w1'));
    const rv = created.metadata.resourceVersion!;
    cluster.apply(secret('w1', { k: 'dg==' }));
    const events: string[] = [];
    const done = new Promise<void>((resolve) => {
      void new Watch(kc)
        .watch(
          '/api/v1/namespaces/default/secrets',
          { resourceVersion: rv },
          (type, obj) => {
            events.push(`${type} ${obj.metadata.name} ${Object.keys(obj.data ?? {}).join(',')}`);
            if (events.length === 2) resolve();
          },
          () => undefined,
        )
        .then((ctl) => done.then(() => ctl.abort()));
      setTimeout(() => cluster.apply(secret('w2')), 50);
    });
    await done;
    expect(events).toEqual(['MODIFIED w1 k', 'ADDED w2 ']);
    cluster.store.compact();
    const gone = await new Promise<{ type: string; code: number }>((resolve) => {
      void new Watch(kc).watch(
        '/api/v1/namespaces/default/secrets',
        { resourceVersion: rv },
        (type, obj) => resolve({ type, code: obj.code }),
        () => undefined,
      );
    });
    expect(gone).toEqual({ type: 'ERROR', code: 410 });
  });

  it('injects failures with Retry-After and counts requests', async () => {
    ({ cluster, kubeConfig: kc } = await servedCluster(mode));
    cluster.faults.failNext({ path: '/api/v1/namespaces/default/secrets/x', status: 429, retryAfter: 2, times: 1 });
    const core = kc.makeApiClient(CoreV1Api);
    const err = await core.readNamespacedSecret({ name: 'x', namespace: 'default' }).then(
      () => ({ code: 0, headers: {} as Record<string, string> }),
      (e: { code: number; headers: Record<string, string> }) => e,
    );
    expect(err.code).toBe(429);
    expect(err.headers['retry-after']).toBe('2');
    const second = await core.readNamespacedSecret({ name: 'x', namespace: 'default' }).then(
      () => ({ code: 0 }),
      (e: { code: number }) => e,
    );
    expect(second.code).toBe(404);
    expect(cluster.countRequests({ verb: 'get', path: '/api/v1/namespaces/default/secrets/x' })).toBe(2);
    expect(cluster.countRequests({ status: 429 })).toBe(1);
  });

  it('keeps status a separate subresource: apply ignores it, PATCH .../status sets it', async () => {
    ({ cluster, kubeConfig: kc } = await servedCluster(mode));
    cluster.registerKind({ group: 'example.com', version: 'v1', kind: 'Widget', plural: 'widgets', namespaced: true });
    const api = KubernetesObjectApi.makeApiClient(kc);
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' }, spec: { size: 1 }, status: { ready: true } };
    await api.patch(widget, undefined, undefined, 'innominatus', true, PatchStrategy.ServerSideApply);
    expect(cluster.get({ apiVersion: 'example.com/v1', kind: 'Widget', name: 'w', namespace: 'default' })?.status).toBeUndefined();
    const res = await cluster.handle({
      method: 'PATCH',
      url: '/apis/example.com/v1/namespaces/default/widgets/w/status',
      headers: { 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ status: { ready: true }, spec: { size: 99 } }),
    });
    expect('status' in res && res.status).toBe(200);
    const stored = cluster.get({ apiVersion: 'example.com/v1', kind: 'Widget', name: 'w', namespace: 'default' })!;
    expect([stored.status, stored.spec, stored.metadata.generation]).toEqual([{ ready: true }, { size: 1 }, 1]);
  });

  it('keeps metadata.generation like the API server: 1 on create, +1 only on spec changes', async () => {
    ({ cluster, kubeConfig: kc } = await servedCluster(mode));
    cluster.registerKind({ group: 'example.com', version: 'v1', kind: 'Widget', plural: 'widgets', namespaced: true });
    const api = KubernetesObjectApi.makeApiClient(kc);
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' }, spec: { size: 1 } };
    const ssa = (o: KubernetesObject & { spec?: unknown }) =>
      api.patch<KubernetesObject>(o, undefined, undefined, 'innominatus', true, PatchStrategy.ServerSideApply);
    const seen: Array<[number | undefined, string | undefined]> = [];
    const note = (o: { metadata?: { generation?: number; resourceVersion?: string } }) => seen.push([o.metadata?.generation, o.metadata?.resourceVersion]);
    note(await ssa(widget));
    note(await ssa({ ...widget, metadata: { ...widget.metadata, labels: { tier: 'gold' } } }));
    const statusRes = await cluster.handle({
      method: 'PATCH',
      url: '/apis/example.com/v1/namespaces/default/widgets/w/status',
      headers: { 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ status: { ready: true } }),
    });
    expect('status' in statusRes && statusRes.status).toBe(200);
    note(cluster.get({ apiVersion: 'example.com/v1', kind: 'Widget', name: 'w', namespace: 'default' })!);
    note(await ssa({ ...widget, spec: { size: 2 } }));
    const current = cluster.get({ apiVersion: 'example.com/v1', kind: 'Widget', name: 'w', namespace: 'default' })!;
    // The mock's objects are the wire form (creationTimestamp is a string; client-node's type says Date).
    note(await api.replace<KubernetesObject>({ ...current, metadata: { ...current.metadata, annotations: { note: 'x' } } } as unknown as KubernetesObject));
    const sizeThree = { ...widget, spec: { size: 3 } };
    note(await api.patch<KubernetesObject>(sizeThree, undefined, undefined, undefined, undefined, PatchStrategy.MergePatch));
    expect(seen.map(([g]) => g)).toEqual([1, 1, 1, 2, 2, 3]);
    // Every one of those writes changed the object, so each has a newer resourceVersion.
    const rvs = seen.map(([, rv]) => Number(rv));
    expect(rvs.every((rv, i) => i === 0 || rv > rvs[i - 1]!)).toBe(true);
  });

  it('sends a bookmark when allowed, delays responses, and ends watch streams on close', async () => {
    ({ cluster, kubeConfig: kc } = await servedCluster(mode));
    cluster.faults.delay({ verb: 'watch', ms: 100, times: 1 });
    // What happened in which order: the injected delay's timer (the only one of 100 ms) firing, the bookmark arriving.
    const order: string[] = [];
    const realSetTimeout = globalThis.setTimeout;
    const timers = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) =>
      realSetTimeout(() => {
        if (ms === 100) order.push('100 ms timer fired');
        fn(...args);
      }, ms)) as typeof setTimeout);
    const first = await new Promise<{ type: string; rv: string }>((resolve) => {
      void new Watch(kc).watch(
        '/api/v1/namespaces/default/configmaps',
        { allowWatchBookmarks: true, resourceVersion: '1' },
        (type, obj) => {
          order.push(type);
          resolve({ type, rv: obj.metadata.resourceVersion });
        },
        () => undefined,
      );
    }).finally(() => timers.mockRestore());
    expect(order).toEqual(['100 ms timer fired', 'BOOKMARK']);
    expect(first).toEqual({ type: 'BOOKMARK', rv: String(cluster.store.resourceVersion) });
    expect(cluster.openWatches).toBe(1);
    await cluster.close();
    expect(cluster.openWatches).toBe(0);
  });

  it('serves a Namespace and its status subresource', async () => {
    ({ cluster, kubeConfig: kc } = await servedCluster(mode));
    const res = await cluster.handle({
      method: 'PUT',
      url: '/api/v1/namespaces/default/status',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' }, status: { phase: 'Active' } }),
    });
    expect('status' in res && res.status).toBe(200);
    const ns = await kc.makeApiClient(CoreV1Api).readNamespace({ name: 'default' });
    expect(ns.status?.phase).toBe('Active');
    expect(cluster.requests.map((r) => `${r.verb} ${r.path}`)).toEqual(['update /api/v1/namespaces/default/status', 'get /api/v1/namespaces/default']);
  });
});

describe('mock cluster OpenAPI documents and HTTP caching', () => {
  let cluster: MockCluster;
  afterEach(async () => cluster.close());
  const get = async (url: string, headers: Record<string, string> = {}) => {
    const res: MockResponse = await cluster.handle({ method: 'GET', url, headers, body: '' });
    if (!('body' in res)) throw new Error(`no body for ${url}`);
    return res;
  };

  it('answers /openapi/v2 with an ETag, 304 without a body when If-None-Match names it, and a new ETag when the kinds change', async () => {
    cluster = createMockCluster();
    const first = await get('/openapi/v2');
    const etag = first.headers.etag!;
    expect(first.status).toBe(200);
    expect(etag).toMatch(/^"[0-9A-F]{128}"$/);
    expect((JSON.parse(first.body) as { swagger: string }).swagger).toBe('2.0');
    expect(first.headers['cache-control']).toBeUndefined();
    // A plain tag, a weak one in a list, and `*` all match; another tag does not.
    for (const value of [etag, `"other", W/${etag}`, '*'])
      expect(await get('/openapi/v2', { 'if-none-match': value })).toEqual({ status: 304, headers: { etag }, body: '' });
    expect((await get('/openapi/v2', { 'if-none-match': '"other"' })).status).toBe(200);
    cluster.installCrds(postgresqlCrd());
    const changed = await get('/openapi/v2', { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.body).toContain('"acid.zalan.do"');
  });

  it('marks a v3 document asked for at its current hash immutable for a year, and one at another hash not', async () => {
    cluster = createMockCluster();
    const root = JSON.parse((await get('/openapi/v3')).body) as { paths: Record<string, { serverRelativeURL: string }> };
    const url = root.paths['apis/apps/v1']!.serverRelativeURL;
    const hash = new URL(url, 'http://mock').searchParams.get('hash')!;
    const current = await get(url);
    expect(current.status).toBe(200);
    expect(current.headers).toMatchObject({ etag: `"${hash}"`, 'cache-control': 'public, immutable', vary: 'Accept' });
    const expires = Date.parse(current.headers.expires!);
    expect(expires - Date.now()).toBeGreaterThan(364 * 24 * 60 * 60 * 1000);
    expect(await get(url, { 'if-none-match': `"${hash}"` })).toMatchObject({ status: 304, body: '' });
    const other = await get('/openapi/v3/apis/apps/v1?hash=0');
    expect(other.status).toBe(200);
    expect(other.headers['cache-control']).toBeUndefined();
    expect(other.body).toBe(current.body);
  });
});
