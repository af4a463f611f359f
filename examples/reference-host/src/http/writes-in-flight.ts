import type { FastifyInstance } from 'fastify';
import type { OrchestratorForeground } from '@innominatus/core';

/** Methods that read: never counted (an open event stream must not hold the runs back). */
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Options of {@link WritesInFlight}. */
export interface WritesInFlightOptions {
  /** Longest a claim of new work waits for the writes (the orchestrator's `maxWaitMs`). */
  maxWaitMs: number;
  /**
   * How long after the last write was answered the writes still count as
   * busy (default 0): the requests of one burst do not all arrive at once
   * (connections still reach the host while it answers the first
   * ones), and without it the orchestrator claims new work in each gap
   * between them.
   */
  quietMs?: number;
  /** Milliseconds on a monotonic clock (default `performance.now`); tests pass their own. */
  now?: () => number;
}

/**
 * The write requests (submissions, deletes, retries) the HTTP API is
 * answering now, as the orchestrator's foreground: new runs are claimed
 * once they are answered and none has come for `quietMs` (or after the
 * orchestrator's longest wait), so a burst of submissions is not slowed
 * down by the runs it starts.
 */
export class WritesInFlight implements OrchestratorForeground {
  readonly maxWaitMs: number;
  readonly quietMs: number;
  readonly #now: () => number;
  #count = 0;
  /** When the count last fell to zero (on `#now`'s clock). */
  #quietSince = Number.NEGATIVE_INFINITY;

  constructor(options: WritesInFlightOptions) {
    this.maxWaitMs = options.maxWaitMs;
    this.quietMs = options.quietMs ?? 0;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Write requests received and not yet answered (or aborted). */
  get count(): number {
    return this.#count;
  }

  /** True while a write is being answered, and for `quietMs` after the last one was. */
  busy(): boolean {
    return this.#count > 0 || this.#now() - this.#quietSince < this.quietMs;
  }

  /**
   * Counts `app`'s write requests to a route under `/api/` from when they
   * arrive until they are answered or the client goes away. Install it
   * after the authentication hook: a request refused there (or one to no
   * route) is never counted, so nobody without a token can hold runs back.
   */
  install(app: FastifyInstance): void {
    app.addHook('onRequest', async (request, reply) => {
      if (READS.has(request.method) || !request.routeOptions.url?.startsWith('/api/')) return;
      this.#count++;
      // The response's `close` comes once it is sent or its connection is gone, whichever is first
      // (a client may leave after sending its whole body, when no abort hook runs).
      reply.raw.once('close', () => this.#answered());
    });
  }

  #answered(): void {
    this.#count--;
    if (this.#count === 0) this.#quietSince = this.#now();
  }
}
