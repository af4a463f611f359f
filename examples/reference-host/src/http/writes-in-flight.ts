import type { FastifyInstance, FastifyRequest } from 'fastify';
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
  readonly #open = new WeakSet<FastifyRequest>();
  #count = 0;

  constructor(readonly maxWaitMs: number) {}

  /** Write requests received and not yet answered (or aborted). */
  get count(): number {
    return this.#count;
  }

  busy(): boolean {
    return this.#count > 0;
  }

  /** Counts `app`'s write requests from when they arrive until they are answered or the client goes away. */
  install(app: FastifyInstance): void {
    app.addHook('onRequest', async (request) => {
      if (READS.has(request.method)) return;
      this.#open.add(request);
      this.#count++;
    });
    const end = async (request: FastifyRequest) => {
      if (this.#open.delete(request)) this.#count--;
    };
    app.addHook('onResponse', end);
    app.addHook('onRequestAbort', end);
  }
}
