import type { FastifyInstance } from 'fastify';
import type { OrchestratorForeground } from '@innominatus/core';

/** Methods that read: never counted (an open event stream must not hold the runs back). */
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The write requests (submissions, deletes, retries) the HTTP API is
 * answering now, as the orchestrator's foreground: new runs are claimed
 * once they are answered (or after the orchestrator's longest wait), so a
 * burst of submissions is not slowed down by the runs it starts.
 */
export class WritesInFlight implements OrchestratorForeground {
  #count = 0;

  constructor(readonly maxWaitMs: number) {}

  /** Write requests received and not yet answered (or aborted). */
  get count(): number {
    return this.#count;
  }

  busy(): boolean {
    return this.#count > 0;
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
      reply.raw.once('close', () => this.#count--);
    });
  }
}
