import type { EventEmitter } from 'node:events';
import type { KubeConfig } from '@kubernetes/client-node';
import { ApiHandler } from './api-handler';
import { loadCrds } from '../crd/index';
import { BUILTIN_KINDS } from './builtin-kinds';
import { startControllers } from './controllers';
import type { ConversionWebhook } from './conversion';
import { EVENTS_V1_VIEW } from './event-views';
import { FaultInjector, matches, type RequestMatch } from './fault-injector';
import { listenHttp, type ListenOptions, type MockClusterServer } from './http-transport';
import { mockKubeConfig } from './kubeconfig';
import { interceptWithNock } from './nock-transport';
import { ObjectStore, type ListFilter, type WriteResult } from './object-store';
import type { KindSpec, LoggedRequest, MockObject, MockRequest, MockResponse, ResolvedKind } from './types';

/** Options of {@link createMockCluster}. */
export interface MockClusterOptions {
  /**
   * Namespaces created at start (default `['default']`). Writes through the
   * API into a namespace that does not exist answer 404, as on a real
   * server; {@link MockCluster.apply} creates a missing namespace first.
   */
  namespaces?: string[];
  /** Events kept per kind (like the API server's watch cache) for resuming watches before they answer 410 Gone (default 10,000). */
  historyLimit?: number;
  /**
   * Create a namespace on the first write into it instead of answering 404
   * (default false): for simulations that stand for a cluster where every
   * namespace a provider writes to already exists.
   */
  autoCreateNamespaces?: boolean;
}

/** Names one object: apiVersion, kind, name and (for namespaced kinds) namespace. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** Conditions for {@link MockCluster.countRequests}; `status` too. */
export interface RequestQuery extends RequestMatch {
  method?: string;
  status?: number;
}

/**
 * An in-memory Kubernetes API server for tests. One store, served through
 * nock interceptors ({@link MockCluster.nock}) and/or real HTTP
 * ({@link MockCluster.listen}).
 */
export class MockCluster {
  /** The objects, kinds and event history. */
  readonly store: ObjectStore;
  /** Fault injection: failed requests, dropped watches, delays, 410 Gone. */
  readonly faults = new FaultInjector();
  /** Every request the cluster answered (through either transport), oldest first. */
  readonly requests: LoggedRequest[] = [];
  /**
   * Change hooks for simulators: `change` (every {@link StoreEvent}), and
   * `added`, `modified`, `deleted`. Changes made from a hook are delivered
   * after the current event.
   */
  readonly events: EventEmitter;
  readonly #handler: ApiHandler;
  readonly #cleanups: Array<() => void | Promise<void>> = [];

  constructor(options: MockClusterOptions = {}) {
    this.store = new ObjectStore({ historyLimit: options.historyLimit, autoCreateNamespaces: options.autoCreateNamespaces });
    this.events = this.store.emitter;
    for (const k of BUILTIN_KINDS) this.store.registerKind(k, { builtin: true });
    this.store.registerView(this.store.requireKind('events.k8s.io/v1', 'Event'), EVENTS_V1_VIEW);
    startControllers(this.store);
    this.#handler = new ApiHandler(this.store, this.faults, this.requests);
    for (const ns of options.namespaces ?? ['default']) this.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  }

  /**
   * Serves a custom resource kind (like installing its CRD), with discovery.
   *
   * @example
   * cluster.registerKind({ group: 'acid.zalan.do', version: 'v1', kind: 'postgresql', plural: 'postgresqls', namespaced: true, shortNames: ['pg'] });
   */
  registerKind(spec: KindSpec): ResolvedKind {
    return this.store.registerKind(spec);
  }

  /**
   * Stands in for the conversion webhook of a custom kind whose CRD says
   * `conversion: { strategy: Webhook }` (the mock cluster reaches no real
   * webhook): called with a copy of an object and the apiVersion wanted
   * whenever an object is read or written at another version than the one
   * it is stored at. Without one, such a request fails as on an API server
   * whose webhook cannot be reached (500 InternalError, `conversion webhook
   * for <group>/<version>, Kind=<kind> failed: Post ...`); requests at the
   * stored version work. `undefined` removes it.
   *
   * @example
   * cluster.setConversionWebhook({ group: 'example.com', kind: 'Gizmo' }, (o, to) =>
   *   to === 'example.com/v2' ? { ...o, apiVersion: to, spec: { size: o.spec.size, color: 'red' } } : { ...o, apiVersion: to, spec: { size: o.spec.size } });
   */
  setConversionWebhook(kind: { group: string; kind: string }, webhook: ConversionWebhook | undefined): void {
    this.store.setConversionWebhook(kind.group, kind.kind, webhook);
  }

  /**
   * Installs CustomResourceDefinitions (a YAML/JSON text with one or more, or
   * one object) as `kubectl apply` would: each is validated, stored and
   * served with its schema enforced. Returns the served kinds.
   *
   * @example
   * cluster.installCrds(readFileSync('widgets.crd.yaml', 'utf8'));
   */
  installCrds(source: string | MockObject): ResolvedKind[] {
    const objects = typeof source === 'string' ? loadCrds(source).map((c) => c.definition as MockObject) : [source];
    const crdKind = this.store.requireKind('apiextensions.k8s.io/v1', 'CustomResourceDefinition');
    return objects.map((o) => {
      this.store.apply(crdKind, o, { fieldManager: 'mock-cluster', force: true });
      const spec = o.spec as { group: string; names: { kind: string } };
      return this.store.kinds().find((k) => k.group === spec.group && k.kind === spec.names.kind)!;
    });
  }

  /**
   * Applies an object directly (no request logged): creates it, or merges
   * the given fields into it (`null` removes one). A missing namespace is
   * created first.
   */
  apply(object: MockObject): MockObject {
    return this.#write(object, (kind) => {
      const ns = object.metadata?.namespace;
      if (kind.namespaced && typeof ns === 'string' && !this.get({ apiVersion: 'v1', kind: 'Namespace', name: ns })) {
        this.store.apply(this.store.requireKind('v1', 'Namespace'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      }
      return this.store.apply(kind, object);
    }).object;
  }

  /** The object, or undefined. */
  get(ref: ObjectRef): MockObject | undefined {
    return this.store.get(this.store.requireKind(ref.apiVersion, ref.kind), ref.namespace, ref.name);
  }

  /** A Secret's `data.<key>` decoded from base64 (UTF-8), or undefined when there is no such Secret or key. */
  secretValue(namespace: string, name: string, key: string): string | undefined {
    const raw = (this.get({ apiVersion: 'v1', kind: 'Secret', name, namespace })?.data as Record<string, string> | undefined)?.[key];
    return raw === undefined ? undefined : Buffer.from(raw, 'base64').toString('utf8');
  }

  /** The objects of a kind, optionally filtered by namespace and selectors. */
  list(apiVersion: string, kind: string, filter: ListFilter = {}): MockObject[] {
    return this.store.list(this.store.requireKind(apiVersion, kind), filter);
  }

  /** Replaces an object's `.status` (what an operator or controller does). */
  setStatus(ref: ObjectRef, status: unknown): MockObject {
    return this.store.setStatus(this.store.requireKind(ref.apiVersion, ref.kind), ref.namespace, ref.name, status);
  }

  /** Deletes an object; with `immediate`, finalizers are ignored. Returns false when it did not exist. */
  delete(ref: ObjectRef, options: { immediate?: boolean } = {}): boolean {
    const kind = this.store.requireKind(ref.apiVersion, ref.kind);
    if (!this.store.get(kind, ref.namespace, ref.name)) return false;
    this.store.delete(kind, ref.namespace, ref.name, options);
    return true;
  }

  /** Counts logged requests meeting every given condition, e.g. `{ verb: 'watch', path: '/api/v1/namespaces/default/secrets' }`. */
  countRequests(query: RequestQuery = {}): number {
    return this.requests.filter(
      (r) =>
        (query.method === undefined || r.method === query.method.toUpperCase()) &&
        (query.status === undefined || r.status === query.status) &&
        matches(query, r),
    ).length;
  }

  /** Empties the request log. */
  clearRequests(): void {
    this.requests.length = 0;
  }

  /** Watch streams open now (a finished shared watch brings this back to 0 over HTTP; through nock only `close()` ends them). */
  get openWatches(): number {
    return this.#handler.openWatches;
  }

  /** Answers one request (transport-neutral); both transports call this. */
  handle(request: MockRequest): Promise<MockResponse> {
    return this.#handler.handle(request);
  }

  /**
   * Intercepts requests to `server` with nock (no port opened) and returns a
   * KubeConfig for it. {@link close} removes the interceptors.
   */
  nock(options: { server?: string; namespace?: string } = {}): KubeConfig {
    const server = options.server ?? 'https://mock-cluster.local';
    this.#cleanups.push(interceptWithNock(this.#handler, server));
    return mockKubeConfig(server, options.namespace);
  }

  /** Serves the cluster over HTTP on 127.0.0.1 (random port unless given). {@link close} also stops it. */
  async listen(options: ListenOptions = {}): Promise<MockClusterServer> {
    const server = await listenHttp(this.#handler, options);
    this.#cleanups.push(() => server.close());
    return server;
  }

  /** Registers a cleanup for {@link close} (simulators use it to stop their timers). */
  onClose(cleanup: () => void | Promise<void>): void {
    this.#cleanups.push(cleanup);
  }

  /** Removes nock interceptors, stops HTTP servers and simulators. */
  async close(): Promise<void> {
    const all = this.#cleanups.splice(0).reverse();
    for (const c of all) await c();
    this.#handler.closeWatches();
  }

  #write(object: MockObject, fn: (kind: ResolvedKind) => WriteResult): WriteResult {
    if (typeof object?.apiVersion !== 'string' || typeof object.kind !== 'string') throw new TypeError('object needs apiVersion and kind');
    return fn(this.store.requireKind(object.apiVersion, object.kind));
  }
}

/**
 * Creates an in-memory Kubernetes API server for tests, serving the
 * built-in kinds of {@link BUILTIN_KINDS} and CustomResourceDefinitions
 * (apply one through the API or {@link MockCluster.installCrds}; the
 * shortcut {@link MockCluster.registerKind} serves a kind without a CRD).
 *
 * @example
 * const cluster = createMockCluster();
 * const kubeConfig = cluster.nock();            // or: (await cluster.listen()).kubeConfig
 * cluster.faults.failNext({ verb: 'patch', status: 429, retryAfter: 1 });
 * // ... run steps ...
 * expect(cluster.countRequests({ verb: 'watch' })).toBe(1);
 * await cluster.close();
 */
export function createMockCluster(options: MockClusterOptions = {}): MockCluster {
  return new MockCluster(options);
}
