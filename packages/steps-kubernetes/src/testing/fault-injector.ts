/** What a fault rule is matched against. */
export interface RequestInfo {
  method: string;
  /** Kubernetes verb: get, list, watch, create, update, patch, delete, discovery. */
  verb: string;
  path: string;
  query: Record<string, string>;
}

/** Which requests a fault applies to; all given conditions must hold (none: every request). */
export interface RequestMatch {
  /** Exact path (no query string), or a pattern tested against it. */
  path?: string | RegExp;
  /** Kubernetes verb, e.g. `watch` or `patch`. */
  verb?: string;
  /** Any other condition. */
  match?: (request: RequestInfo) => boolean;
}

/** Options of {@link FaultInjector.failNext}. */
export interface FailOptions extends RequestMatch {
  /** How many matching requests fail (default 1). */
  times?: number;
  /** HTTP status to answer (default 500). */
  status?: number;
  /** Seconds for a `Retry-After` header. */
  retryAfter?: number;
  /** The Status message (default: the reason phrase). */
  message?: string;
  /** Reset the connection instead of answering. */
  reset?: boolean;
}

/** Options of {@link FaultInjector.delay}: by a number of milliseconds, or until a promise settles. */
export type DelayOptions = RequestMatch & ({ ms: number } | { until: Promise<unknown> });

interface Rule<T> {
  options: T;
  remaining: number;
}

/**
 * Fault injection for the mock cluster. Each rule applies to the next
 * `times` matching requests and is then used up.
 *
 * @example
 * cluster.faults.failNext({ path: /\/secrets\//, status: 429, retryAfter: 1, times: 2 });
 * cluster.faults.dropWatchAfter({ events: 3 });
 */
export class FaultInjector {
  readonly #fails: Rule<FailOptions>[] = [];
  readonly #drops: Rule<RequestMatch & { events: number }>[] = [];
  readonly #delays: Rule<DelayOptions>[] = [];
  readonly #gone: Rule<RequestMatch>[] = [];

  /** Fails the next matching request(s) with a status (and optional Retry-After) or a connection reset. */
  failNext(options: FailOptions): this {
    this.#fails.push({ options, remaining: options.times ?? 1 });
    return this;
  }

  /** Ends the next matching watch stream(s) after `events` events (0: right after it opens). */
  dropWatchAfter(options: RequestMatch & { events: number; times?: number }): this {
    this.#drops.push({ options, remaining: options.times ?? 1 });
    return this;
  }

  /**
   * Delays matching responses by `ms`, or until the promise `until` settles (a
   * test releases a held request when it is ready: no timing window), for the
   * next `times` requests (default all).
   */
  delay(options: DelayOptions & { times?: number }): this {
    this.#delays.push({ options, remaining: options.times ?? Number.POSITIVE_INFINITY });
    return this;
  }

  /** Answers the next matching watch request(s) with a `410 Gone` (Expired) ERROR event, as for a too old resourceVersion. */
  goneOnWatch(options: RequestMatch & { times?: number } = {}): this {
    this.#gone.push({ options, remaining: options.times ?? 1 });
    return this;
  }

  /** Removes every rule. */
  clear(): void {
    this.#fails.length = 0;
    this.#drops.length = 0;
    this.#delays.length = 0;
    this.#gone.length = 0;
  }

  /** @internal */
  takeFailure(req: RequestInfo): FailOptions | undefined {
    return take(this.#fails, req);
  }

  /** @internal */
  takeDrop(req: RequestInfo): number | undefined {
    return take(this.#drops, req)?.events;
  }

  /** @internal What a matching request waits for before it is answered, or undefined. */
  takeDelay(req: RequestInfo): Promise<void> | undefined {
    const rule = take(this.#delays, req);
    if (rule && 'until' in rule)
      return rule.until.then(
        () => undefined,
        () => undefined,
      );
    if (rule && rule.ms > 0) return new Promise((resolve) => setTimeout(resolve, rule.ms));
    return undefined;
  }

  /** @internal */
  takeGone(req: RequestInfo): boolean {
    return take(this.#gone, req) !== undefined;
  }
}

function take<T extends RequestMatch>(rules: Rule<T>[], req: RequestInfo): T | undefined {
  const i = rules.findIndex((r) => matches(r.options, req));
  if (i < 0) return undefined;
  const rule = rules[i]!;
  if (--rule.remaining <= 0) rules.splice(i, 1);
  return rule.options;
}

/** True when a request meets every condition of a match. */
export function matches(m: RequestMatch, req: RequestInfo): boolean {
  if (m.verb !== undefined && m.verb !== req.verb) return false;
  if (m.path !== undefined && !(typeof m.path === 'string' ? m.path === req.path : m.path.test(req.path))) return false;
  if (m.match && !m.match(req)) return false;
  return true;
}
