import { toKubernetesError, isTransient } from '../client/api-errors';
import type { KubeObject, KubernetesClient, ResourceInfo } from '../client/kubernetes-client';
import type { KubernetesError } from '../errors';

/** Someone waiting on one object of a shared watch. */
export interface WatchListener {
  /** The object's name. */
  readonly name: string;
  /** The object as last observed (undefined: it does not exist). Called once the watch has listed, then on each change. */
  onObject(object: KubeObject | undefined): void;
  /** The shared watch cannot go on (e.g. 403): the wait must fail. */
  onError(error: KubernetesError): void;
}

/** Counters of a {@link WatchHub}, for tests and benchmarks. */
export interface WatchHubStats {
  /** Shared watches open now. */
  watches: number;
  /** Listeners across them. */
  listeners: number;
  /** Lists made (first syncs and re-lists). */
  lists: number;
  /** Watch streams opened. */
  watchesOpened: number;
}

/** Longest pause between re-lists when a watch keeps failing. */
const MAX_RELIST_DELAY_MS = 5000;

/**
 * Shared watches, informer style: one list + watch per (apiVersion, kind,
 * namespace) in the process, however many steps wait on objects of it. The
 * cache is filled by a list, kept current by the watch, and rebuilt by a
 * re-list when the watch ends (dropped connection, server timeout) or
 * answers `410 Gone`. The watch stops when its last listener leaves.
 *
 * The cache keeps each object as its JSON text, which takes about half the
 * memory of the parsed object (a Zalando `postgresql` with its
 * `managedFields`: ~1.6 KiB against ~3.4 KiB), and it holds every object of
 * the namespace, not only those waited on. A listener that joins is given a
 * fresh parse of it; listeners of one name share the object each event
 * brings, as before.
 */
export class WatchHub {
  readonly #client: KubernetesClient;
  readonly #watches = new Map<string, SharedWatch>();
  readonly #counters = { lists: 0, watchesOpened: 0 };

  constructor(client: KubernetesClient) {
    this.#client = client;
  }

  /**
   * Listens for one object of a kind in a namespace (undefined for
   * cluster-scoped kinds). Returns the function that stops listening.
   */
  subscribe(info: ResourceInfo, namespace: string | undefined, listener: WatchListener): () => void {
    const key = `${info.apiVersion}|${info.kind}|${namespace ?? ''}`;
    let w = this.#watches.get(key);
    if (!w) {
      w = new SharedWatch(this.#client, info, namespace, this.#counters, () => this.#watches.delete(key));
      this.#watches.set(key, w);
    }
    return w.add(listener);
  }

  /** Open watches, listeners, and how many lists and watches were made. */
  stats(): WatchHubStats {
    let listeners = 0;
    for (const w of this.#watches.values()) listeners += w.size;
    return { watches: this.#watches.size, listeners, ...this.#counters };
  }
}

class SharedWatch {
  /** Each object of the namespace as JSON text, by name. */
  readonly #cache = new Map<string, string>();
  readonly #listeners = new Map<string, Set<WatchListener>>();
  #size = 0;
  #synced = false;
  #stopped = false;
  /** Bumped on every (re)sync so callbacks of an older watch stream are ignored. */
  #generation = 0;
  #controller: AbortController | undefined;
  #restarts = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #path: string;

  constructor(
    private readonly client: KubernetesClient,
    private readonly info: ResourceInfo,
    private readonly namespace: string | undefined,
    private readonly counters: { lists: number; watchesOpened: number },
    private readonly onStop: () => void,
  ) {
    this.#path = client.collectionPath(info, namespace);
    void this.#sync();
  }

  get size(): number {
    return this.#size;
  }

  add(listener: WatchListener): () => void {
    let set = this.#listeners.get(listener.name);
    if (!set) {
      set = new Set();
      this.#listeners.set(listener.name, set);
    }
    set.add(listener);
    this.#size++;
    if (this.#synced) {
      const text = this.#cache.get(listener.name);
      queueMicrotask(() => set!.has(listener) && listener.onObject(text === undefined ? undefined : (JSON.parse(text) as KubeObject)));
    }
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      set!.delete(listener);
      if (!set!.size) this.#listeners.delete(listener.name);
      if (--this.#size === 0) this.#stop();
    };
  }

  async #sync(): Promise<void> {
    const gen = ++this.#generation;
    try {
      const resourceVersion = await this.#list(gen);
      // Every waiter may have been satisfied by the list alone.
      if (resourceVersion === undefined || this.#stopped || gen !== this.#generation) return;
      this.counters.watchesOpened++;
      const controller = await this.client.watch(
        this.#path,
        { resourceVersion, allowWatchBookmarks: true },
        (type, obj) => this.#onEvent(gen, type, obj),
        (err) => this.#onDone(gen, err),
      );
      if (this.#stopped || gen !== this.#generation) controller.abort();
      else this.#controller = controller;
    } catch (err) {
      this.#onDone(gen, err);
    }
  }

  /**
   * Lists, fills the cache and tells every listener; the list's resourceVersion, or undefined when this sync is
   * outdated. A function of its own so that the parsed list is not held while the watch opens.
   */
  async #list(gen: number): Promise<string | undefined> {
    this.counters.lists++;
    const { items, resourceVersion } = await this.client.list(this.info, this.namespace);
    if (this.#stopped || gen !== this.#generation) return undefined;
    this.#cache.clear();
    const listed = new Map<string, KubeObject>();
    for (const o of items) {
      this.#cache.set(o.metadata.name, JSON.stringify(o));
      if (this.#listeners.has(o.metadata.name)) listed.set(o.metadata.name, o);
    }
    this.#synced = true;
    for (const [name, set] of this.#listeners) {
      const obj = listed.get(name);
      for (const l of [...set]) l.onObject(obj);
    }
    return resourceVersion;
  }

  #onEvent(gen: number, type: string, obj: KubeObject): void {
    if (this.#stopped || gen !== this.#generation) return;
    if (type === 'ERROR') {
      // 410 Gone (too old resourceVersion) or another server-side error: start over with a list.
      this.#restart();
      return;
    }
    if (type === 'BOOKMARK' || !obj?.metadata?.name) return;
    this.#restarts = 0;
    const name = obj.metadata.name;
    const full = { ...obj, apiVersion: obj.apiVersion ?? this.info.apiVersion, kind: obj.kind ?? this.info.kind };
    if (type === 'DELETED') this.#cache.delete(name);
    else this.#cache.set(name, JSON.stringify(full));
    const set = this.#listeners.get(name);
    if (set) for (const l of [...set]) l.onObject(type === 'DELETED' ? undefined : full);
  }

  #onDone(gen: number, err: unknown): void {
    if (this.#stopped || gen !== this.#generation) return;
    if (err && !isTransient(err) && (err as { statusCode?: number }).statusCode !== 410 && !isAbort(err)) {
      const e = toKubernetesError(err, {
        verb: (err as { statusCode?: number }).statusCode ? 'watch' : 'list',
        resource: this.info.resource,
        ...(this.namespace ? { namespace: this.namespace } : {}),
      });
      for (const set of this.#listeners.values()) for (const l of [...set]) l.onError(e);
      this.#stop();
      return;
    }
    this.#restart();
  }

  #restart(): void {
    this.#generation++;
    this.#controller?.abort();
    this.#controller = undefined;
    const delay = this.#restarts === 0 ? 0 : Math.min(MAX_RELIST_DELAY_MS, 50 * 2 ** (this.#restarts - 1));
    this.#restarts++;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.#stopped) void this.#sync();
    }, delay);
  }

  #stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#generation++;
    if (this.#timer) clearTimeout(this.#timer);
    this.#controller?.abort();
    this.#listeners.clear();
    this.#cache.clear();
    this.onStop();
  }
}

function isAbort(err: unknown): boolean {
  return (err as { name?: string })?.name === 'AbortError';
}
