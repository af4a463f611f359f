import type { Configuration, KubeConfig, KubernetesObject, KubernetesObjectApi, V1APIResource, Watch } from '@kubernetes/client-node';
import { abortable } from '@innominatus/core/internal';
import { KubernetesConfigError, KubernetesError, type RequestTarget } from '../errors';
import { WatchHub } from '../watch/watch-hub';
import { statusOf, toKubernetesError } from './api-errors';
import { clientNode } from './client-node';
import { ConnectionPool, type ConnectionOptions } from './connection-pool';
import { loadKubeConfig, type KubeConfigSource } from './load-kubeconfig';
import { withRetry, type RetryOptions } from './retry';

/** The field manager of every server-side apply this package makes. */
export const FIELD_MANAGER = 'innominatus';

/** A plain JSON Kubernetes object. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string; [k: string]: unknown };
  [field: string]: unknown;
}

/** Names one object. `namespace` is ignored for cluster-scoped kinds. */
export interface ObjectReference {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** What discovery says about a kind. */
export interface ResourceInfo {
  apiVersion: string;
  kind: string;
  /** Plural name used in paths, e.g. `postgresqls`. */
  plural: string;
  namespaced: boolean;
  /** `plural` or `plural.group`, as RBAC names it. */
  resource: string;
}

/** Options of {@link createKubernetesClient}. */
export interface KubernetesClientOptions extends KubeConfigSource {
  /** Namespace for namespaced objects that name none (default: the context's, else `default`). */
  namespace?: string;
  /** Retries of transient failures (429, 5xx, connection resets) inside a step. */
  retry?: RetryOptions;
  /** Kept-alive connections to the API server: how many at once, how long an idle one is kept. */
  connections?: ConnectionOptions;
}

/** client-node's generic object API, with its protected discovery helpers made callable. */
interface ObjectApi extends KubernetesObjectApi {
  /** The APIResource of a kind from discovery (client-node caches it per apiVersion). */
  discover(apiVersion: string, kind: string): Promise<V1APIResource | undefined>;
  /** The namespace of the kubeconfig context, else `default`. */
  contextNamespace(kc: KubeConfig): string;
}

let objectApiClass: (new (...args: ConstructorParameters<typeof KubernetesObjectApi>) => ObjectApi) | undefined;

/** The {@link ObjectApi} class, defined on first use (it extends a client-node class, which loads on demand). */
function objectApi(): new (...args: ConstructorParameters<typeof KubernetesObjectApi>) => ObjectApi {
  objectApiClass ??= class extends clientNode().KubernetesObjectApi implements ObjectApi {
    discover(apiVersion: string, kind: string): Promise<V1APIResource | undefined> {
      return this.resource(apiVersion, kind);
    }
    contextNamespace(kc: KubeConfig): string {
      return this.setDefaultNamespace(kc);
    }
  };
  return objectApiClass;
}

/**
 * A Kubernetes API client for the steps: server-side apply, get, list,
 * delete and watch on any kind (through discovery), with transient failures
 * retried and errors turned into {@link KubernetesError}s. Waits share one
 * watch per (apiVersion, kind, namespace) through {@link KubernetesClient.hub}.
 */
export class KubernetesClient {
  readonly kubeConfig: KubeConfig;
  /** Namespace for namespaced objects that name none. */
  readonly defaultNamespace: string;
  readonly retry: RetryOptions;
  readonly #objects: ObjectApi;
  /** The per-call configuration that hands a step's abort signal to the request (none without a signal). */
  readonly #callConfig: (signal: AbortSignal | undefined) => Configuration | undefined;
  readonly #watch: Watch;
  readonly #resources = new Map<string, Promise<ResourceInfo>>();
  readonly #requestPool: ConnectionPool;
  readonly #watchPool: ConnectionPool;
  #hub: WatchHub | undefined;

  constructor(kubeConfig: KubeConfig, options: { namespace?: string; retry?: RetryOptions; connections?: ConnectionOptions } = {}) {
    this.kubeConfig = kubeConfig;
    this.#requestPool = new ConnectionPool(options.connections);
    // Watches hold their connection for as long as they last: a pool of their own, unbounded, so they never hold requests up.
    this.#watchPool = new ConnectionPool({ ...options.connections, maxSockets: Number.POSITIVE_INFINITY });
    ({ api: this.#objects, callConfig: this.#callConfig } = pooledObjectApi(kubeConfig, this.#requestPool));
    this.defaultNamespace = options.namespace ?? this.#objects.contextNamespace(kubeConfig);
    this.retry = options.retry ?? {};
    this.#watch = new (clientNode().Watch)(pooledWatchConfig(kubeConfig, this.#watchPool));
  }

  /** Closes the client's kept-alive connections (requests and watches in flight fail). */
  close(): void {
    this.#requestPool.destroy();
    this.#watchPool.destroy();
  }

  /** The shared watches of this client. */
  get hub(): WatchHub {
    this.#hub ??= new WatchHub(this);
    return this.#hub;
  }

  /**
   * Discovery: plural and scope of a kind (cached; concurrent callers share
   * one request, so `signal` only ends this caller's wait). 404 when the
   * cluster does not serve it.
   */
  resource(apiVersion: string, kind: string, signal?: AbortSignal): Promise<ResourceInfo> {
    const key = `${apiVersion}|${kind}`;
    let p = this.#resources.get(key);
    if (!p) {
      p = this.#discover(apiVersion, kind);
      this.#resources.set(key, p);
      p.catch(() => this.#resources.delete(key));
    }
    return signal ? abortable(p, signal) : p;
  }

  async #discover(apiVersion: string, kind: string): Promise<ResourceInfo> {
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
    const target: RequestTarget = { verb: 'get', resource: `discovery of ${apiVersion}` };
    let r: V1APIResource | undefined;
    try {
      r = await withRetry(() => this.#requestPool.call(() => this.#objects.discover(apiVersion, kind)), this.retry);
    } catch (err) {
      if (statusOf(err) !== 404) throw toKubernetesError(err, target);
    }
    if (!r) {
      throw new KubernetesError('K8S_NOT_FOUND', `the cluster does not serve kind '${kind}' in '${apiVersion}' (is its CustomResourceDefinition installed?)`, {
        status: 404,
        target,
      });
    }
    return { apiVersion, kind, plural: r.name, namespaced: r.namespaced, resource: group ? `${r.name}.${group}` : r.name };
  }

  /** The namespace an object of this kind lives in (undefined when cluster-scoped). */
  namespaceFor(info: ResourceInfo, namespace: string | undefined): string | undefined {
    return info.namespaced ? namespace || this.defaultNamespace : undefined;
  }

  /** `/api/v1/namespaces/x/secrets`, `/apis/acid.zalan.do/v1/postgresqls`, ... */
  collectionPath(info: ResourceInfo, namespace: string | undefined): string {
    const base = info.apiVersion.includes('/') ? `/apis/${info.apiVersion}` : `/api/${info.apiVersion}`;
    return namespace && info.namespaced ? `${base}/namespaces/${encodeURIComponent(namespace)}/${info.plural}` : `${base}/${info.plural}`;
  }

  /** Server-side apply with field manager `innominatus`. Returns the object the API stored. */
  async apply(object: KubeObject, options: { force?: boolean; signal?: AbortSignal } = {}): Promise<KubeObject> {
    const { info, body, ns } = await this.#placed(object, options.signal);
    const target = { verb: 'patch', resource: info.resource, name: object.metadata.name, ...(ns ? { namespace: ns } : {}) };
    return this.#call(target, options.signal, () =>
      this.#objects.patch(
        body as KubernetesObject,
        undefined,
        undefined,
        FIELD_MANAGER,
        options.force ?? true,
        clientNode().PatchStrategy.ServerSideApply,
        this.#callConfig(options.signal),
      ),
    );
  }

  /**
   * Creates an object (a POST with field manager `innominatus`); fails with
   * status 409 when it exists. Returns the object the API stored.
   */
  async create(object: KubeObject, signal?: AbortSignal): Promise<KubeObject> {
    const { info, body, ns } = await this.#placed(object, signal);
    const target = { verb: 'create', resource: info.resource, name: object.metadata.name, ...(ns ? { namespace: ns } : {}) };
    return this.#call(target, signal, () => this.#objects.create(body as KubernetesObject, undefined, undefined, FIELD_MANAGER, this.#callConfig(signal)));
  }

  /** The object, or undefined when it does not exist. */
  async get(ref: ObjectReference, signal?: AbortSignal): Promise<KubeObject | undefined> {
    const info = await this.resource(ref.apiVersion, ref.kind, signal);
    const ns = this.namespaceFor(info, ref.namespace);
    const target = { verb: 'get', resource: info.resource, name: ref.name, ...(ns ? { namespace: ns } : {}) };
    try {
      return await this.#call(target, signal, () =>
        this.#objects.read(
          { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ns ? { namespace: ns } : {}) } },
          undefined,
          undefined,
          undefined,
          this.#callConfig(signal),
        ),
      );
    } catch (err) {
      if (KubernetesError.is(err) && err.kubernetesCode === 'K8S_NOT_FOUND') return undefined;
      throw err;
    }
  }

  /** Every object of a kind in a namespace (all namespaces when none), with the list's resourceVersion. */
  async list(info: ResourceInfo, namespace: string | undefined, signal?: AbortSignal): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    const target = { verb: 'list', resource: info.resource, ...(namespace ? { namespace } : {}) };
    const list = await this.#call(target, signal, async () => {
      const l = await this.#objects.list(
        info.apiVersion,
        info.kind,
        namespace,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        this.#callConfig(signal),
      );
      return { apiVersion: info.apiVersion, kind: `${info.kind}List`, metadata: { name: '', ...(l.metadata ?? {}) }, items: l.items };
    });
    const items = ((list.items ?? []) as KubeObject[]).map((o) => ({ ...o, apiVersion: info.apiVersion, kind: info.kind }));
    return { items, resourceVersion: String((list.metadata as { resourceVersion?: string }).resourceVersion ?? '') };
  }

  /** Deletes; `false` when the object did not exist. */
  async delete(ref: ObjectReference, options: { propagationPolicy?: string; signal?: AbortSignal } = {}): Promise<boolean> {
    const info = await this.resource(ref.apiVersion, ref.kind, options.signal);
    const ns = this.namespaceFor(info, ref.namespace);
    const target = { verb: 'delete', resource: info.resource, name: ref.name, ...(ns ? { namespace: ns } : {}) };
    try {
      await this.#call(target, options.signal, async () => {
        await this.#objects.delete(
          { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ns ? { namespace: ns } : {}) } },
          undefined,
          undefined,
          undefined,
          undefined,
          options.propagationPolicy,
          undefined,
          this.#callConfig(options.signal),
        );
        return { apiVersion: 'v1', kind: 'Status', metadata: { name: ref.name } };
      });
      return true;
    } catch (err) {
      if (KubernetesError.is(err) && err.kubernetesCode === 'K8S_NOT_FOUND') return false;
      throw err;
    }
  }

  /**
   * Opens a raw watch (newline-delimited JSON events). `done` gets `null`
   * when the server ended the stream, or the error. Returns the abort handle.
   */
  watch(
    path: string,
    query: Record<string, string | boolean>,
    onEvent: (type: string, object: KubeObject) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    return this.#watch.watch(path, query, (type: string, obj: KubeObject) => onEvent(type, obj), done);
  }

  /** A copy of `object` with its namespace set as its kind needs (the default one, or none when cluster-scoped). */
  async #placed(object: KubeObject, signal: AbortSignal | undefined): Promise<{ info: ResourceInfo; body: KubeObject; ns: string | undefined }> {
    const info = await this.resource(object.apiVersion, object.kind, signal);
    const body = { ...object, metadata: { ...object.metadata } };
    const ns = this.namespaceFor(info, object.metadata.namespace);
    if (ns) body.metadata.namespace = ns;
    else delete body.metadata.namespace;
    return { info, body, ns };
  }

  async #call(target: RequestTarget, signal: AbortSignal | undefined, fn: () => Promise<KubernetesObject>): Promise<KubeObject> {
    try {
      // Each try waits for a free connection before it makes its request (a backoff holds none).
      const result = await withRetry(() => this.#requestPool.call(fn, signal), { ...this.retry, signal });
      return JSON.parse(JSON.stringify(result)) as KubeObject;
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      throw toKubernetesError(err, target);
    }
  }
}

/**
 * client-node's object API on `kc`, its calls on the pool's connections:
 * `kc` authenticates each call (token, client certificate) and makes a new
 * agent for it, which the pool swaps for its kept-alive one. `callConfig`
 * gives a call a configuration of its own whose requests carry the caller's
 * abort signal (client-node takes only the server from a call's
 * configuration): a call queued for a connection whose step has timed out or
 * been cancelled is then never sent, and one in flight is cut.
 */
function pooledObjectApi(kc: KubeConfig, pool: ConnectionPool): { api: ObjectApi; callConfig: (signal: AbortSignal | undefined) => Configuration | undefined } {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new KubernetesConfigError(`the kubeconfig has no cluster for context '${kc.getCurrentContext() || '(none)'}'`);
  const cn = clientNode();
  const auth = {
    getName: () => 'kubeconfig, kept-alive connections',
    async applySecurityAuthentication(context: import('@kubernetes/client-node').RequestContext): Promise<void> {
      await kc.applySecurityAuthentication(context);
      const agent = context.getAgent();
      if (agent) context.setAgent(pool.agentFor(agent));
    },
  };
  const config = cn.createConfiguration({ baseServer: new cn.ServerConfiguration(cluster.server, {}), authMethods: { default: auth } });
  const callConfig = (signal: AbortSignal | undefined): Configuration | undefined => {
    if (!signal) return undefined;
    const server = new cn.ServerConfiguration(cluster.server, {});
    const make = server.makeRequestContext.bind(server);
    server.makeRequestContext = (endpoint, method) => {
      const context = make(endpoint, method);
      context.setSignal(signal);
      return context;
    };
    return { ...config, baseServer: server };
  };
  return { api: new (objectApi())(config), callConfig };
}

/** What client-node's Watch uses of a KubeConfig, with the watch pool's connections. */
function pooledWatchConfig(kc: KubeConfig, pool: ConnectionPool): KubeConfig {
  const view = Object.create(kc) as KubeConfig;
  view.applyToFetchOptions = async (opts) => {
    const init = await kc.applyToFetchOptions(opts);
    return { ...init, agent: pool.agentFor(init.agent) };
  };
  return view;
}

/**
 * Creates a client from a kubeconfig (KUBECONFIG, ~/.kube/config), the pod's
 * service account (`inCluster`), a file path or text, or a KubeConfig object.
 *
 * @example
 * const client = createKubernetesClient({ context: 'staging' });
 * registry.registerAll(kubernetesSteps({ client }));
 */
export function createKubernetesClient(options: KubernetesClientOptions = {}): KubernetesClient {
  const kc = loadKubeConfig(options);
  return new KubernetesClient(kc, {
    ...(options.namespace ? { namespace: options.namespace } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.connections ? { connections: options.connections } : {}),
  });
}
