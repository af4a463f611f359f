import type { Clock } from '@innominatus/core';
import type { KubeObject, KubernetesClient, ResourceInfo } from '../client/kubernetes-client';

/** What {@link observeObject}'s `decide` answers: keep waiting (undefined), done with a value, or fail. */
export type Decision<T> = undefined | { done: T } | { fail: Error };

/** What a wait on one object is given: when to give up, and what counts as done. */
export interface ObserveOptions<T> {
  signal: AbortSignal;
  timeoutMs: number;
  /** What `timeoutMs` (and any pause between tries) runs on: the step's `ctx.clock`. */
  clock: Clock;
  decide(object: KubeObject | undefined): Decision<T>;
  /**
   * Called once, before any observation, with a function that fails the
   * wait with `error` from outside the observations (a read beside them
   * found the object deleted). A second signal joined to `signal` with
   * `AbortSignal.any` would do the same for about 2 KiB more per wait.
   */
  failWith?(fail: (error: unknown) => void): void;
}

/** How a step waits on one object (through the shared watch, or by name alone): resolves `{ timedOut: true }` when the time is up. */
export type Observer = <T>(
  client: KubernetesClient,
  info: ResourceInfo,
  namespace: string | undefined,
  name: string,
  options: ObserveOptions<T>,
) => Promise<{ done: T } | { timedOut: true }>;

/**
 * Waits on one object through the client's shared watch until `decide`
 * says done or fail, the time is up (resolves `{ timedOut: true }`), or
 * `signal` aborts (rejects with its reason).
 */
export const observeObject: Observer = <T>(
  client: KubernetesClient,
  info: ResourceInfo,
  namespace: string | undefined,
  name: string,
  options: ObserveOptions<T>,
) => {
  return new Promise<{ done: T } | { timedOut: true }>((resolve, reject) => {
    let finished = false;
    let unsubscribe: (() => void) | undefined;
    const finish = (fn: () => void) => {
      if (finished) return;
      finished = true;
      options.clock.clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      unsubscribe?.();
      fn();
    };
    const onAbort = () => finish(() => reject(options.signal.reason));
    const timer = options.clock.setTimeout(() => finish(() => resolve({ timedOut: true })), options.timeoutMs);
    if (options.signal.aborted) return onAbort();
    options.signal.addEventListener('abort', onAbort, { once: true });
    options.failWith?.((error) => finish(() => reject(error)));
    unsubscribe = client.hub.subscribe(info, namespace, {
      name,
      onObject(object) {
        if (finished) return;
        let d: Decision<T>;
        try {
          d = options.decide(object);
        } catch (err) {
          d = { fail: err as Error };
        }
        if (d && 'done' in d) finish(() => resolve({ done: d.done }));
        else if (d) finish(() => reject(d.fail));
      },
      onError(error) {
        finish(() => reject(error));
      },
    });
    if (finished) unsubscribe();
  });
};
