import { sleepOn, type Clock } from '@innominatus/core';
import { isTransient, toKubernetesError } from '../client/api-errors';
import type { KubeObject, KubernetesClient, ResourceInfo } from '../client/kubernetes-client';
import type { Decision, ObserveOptions, Observer } from './observe-object';

/** Longest pause before reopening a watch that keeps ending. */
const MAX_REOPEN_DELAY_MS = 5000;

/**
 * Waits on one object by name without listing its kind: a `get`, then a
 * `watch` of that name alone (`fieldSelector=metadata.name=<name>`), until
 * `decide` says done or fail, the time is up (resolves `{ timedOut: true }`),
 * or `signal` aborts (rejects with its reason). A watch that ends (dropped,
 * server timeout, `410 Gone`) is reopened after a fresh `get`. The RBAC it
 * needs is `get` and `watch` on the kind, never `list`, and the process holds
 * no object but this one.
 */
export const observeNamedObject: Observer = <T>(
  client: KubernetesClient,
  info: ResourceInfo,
  namespace: string | undefined,
  name: string,
  options: ObserveOptions<T>,
) => {
  const stop = new AbortController();
  const onAbort = () => stop.abort(options.signal.reason);
  if (options.signal.aborted) onAbort();
  else options.signal.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  const timer = options.clock.setTimeout(() => {
    timedOut = true;
    stop.abort();
  }, options.timeoutMs);
  let failure: { error: unknown } | undefined;
  options.failWith?.((error) => {
    if (stop.signal.aborted) return;
    failure = { error };
    stop.abort(error);
  });
  return watchUntilDecided(client, info, namespace, name, options.decide, options.clock, stop.signal)
    .catch((err: unknown) => {
      if (failure) throw failure.error;
      if (timedOut) return { timedOut: true as const };
      throw options.signal.aborted ? options.signal.reason : err;
    })
    .finally(() => {
      options.clock.clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
    });
};

async function watchUntilDecided<T>(
  client: KubernetesClient,
  info: ResourceInfo,
  namespace: string | undefined,
  name: string,
  decide: (object: KubeObject | undefined) => Decision<T>,
  clock: Clock,
  signal: AbortSignal,
): Promise<{ done: T }> {
  const ref = { apiVersion: info.apiVersion, kind: info.kind, name, ...(namespace ? { namespace } : {}) };
  const path = client.collectionPath(info, namespace);
  for (let reopened = 0; ; reopened++) {
    if (reopened > 1) await sleepOn(clock, Math.min(MAX_REOPEN_DELAY_MS, 50 * 2 ** (reopened - 2)), signal);
    const current = await client.get(ref, signal);
    const first = settle(decide, current);
    if (first) return first;
    // Without a resourceVersion the watch starts with the object as it is now (ADDED), so nothing between the get and the watch is missed.
    const rv = current?.metadata.resourceVersion;
    const outcome = await watchOnce(
      client,
      path,
      { fieldSelector: `metadata.name=${name}`, allowWatchBookmarks: true, ...(rv ? { resourceVersion: rv } : {}) },
      (type, obj) => {
        if (type === 'BOOKMARK' || obj?.metadata?.name !== name) return undefined;
        return settle(decide, type === 'DELETED' ? undefined : { ...obj, apiVersion: obj.apiVersion ?? info.apiVersion, kind: obj.kind ?? info.kind });
      },
      signal,
    );
    if (outcome.decided) return outcome.decided;
    if (outcome.error) throw toKubernetesError(outcome.error, { verb: 'watch', resource: info.resource, ...(namespace ? { namespace } : {}) });
    if (outcome.progressed) reopened = 0;
  }
}

/** Runs `decide`, turning its `fail` (or a throw) into a rejection. */
function settle<T>(decide: (object: KubeObject | undefined) => Decision<T>, object: KubeObject | undefined): { done: T } | undefined {
  const d = decide(object);
  if (d && 'fail' in d) throw d.fail;
  return d;
}

interface WatchOutcome<T> {
  decided?: { done: T };
  /** A non-transient error (403, 404 of the kind...): the wait fails. */
  error?: unknown;
  /** At least one event arrived before the stream ended. */
  progressed: boolean;
}

/** One watch stream: resolves when an event decides, or the stream ends. */
function watchOnce<T>(
  client: KubernetesClient,
  path: string,
  query: Record<string, string | boolean>,
  onEvent: (type: string, object: KubeObject) => { done: T } | undefined,
  signal: AbortSignal,
): Promise<WatchOutcome<T>> {
  return new Promise((resolve, reject) => {
    let controller: AbortController | undefined;
    let finished = false;
    let progressed = false;
    const finish = (fn: () => void) => {
      if (finished) return;
      finished = true;
      signal.removeEventListener('abort', onAbort);
      controller?.abort();
      fn();
    };
    const onAbort = () => finish(() => reject(signal.reason ?? new Error('aborted')));
    signal.addEventListener('abort', onAbort, { once: true });
    const ended = (err: unknown) =>
      finish(() => {
        // 410 Gone, a drop or a server-side timeout: the caller gets the object again and reopens.
        const status = (err as { statusCode?: number } | null)?.statusCode;
        if (err && !isTransient(err) && status !== 410 && (err as { name?: string }).name !== 'AbortError') resolve({ error: err, progressed });
        else resolve({ progressed });
      });
    client
      .watch(
        path,
        query,
        (type, obj) => {
          if (finished) return;
          if (type === 'ERROR') return ended(null);
          progressed = true;
          try {
            const decided = onEvent(type, obj);
            if (decided) finish(() => resolve({ decided, progressed }));
          } catch (err) {
            finish(() => reject(err));
          }
        },
        ended,
      )
      .then((c) => {
        controller = c;
        if (finished) c.abort();
      }, ended);
  });
}
