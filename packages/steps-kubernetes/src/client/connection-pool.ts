import { createHash } from 'node:crypto';
import { Agent as HttpAgent, type ClientRequestArgs } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Socket } from 'node:net';
import { CallSlots } from './call-slots';

/** How a client keeps connections to the API server. */
export interface ConnectionOptions {
  /**
   * Most connections open at once for requests (default 128); further
   * requests wait for one to be free. Watches have connections of their own
   * and are not counted, so long-lived streams never hold requests up.
   */
  maxSockets?: number;
  /**
   * How long an idle connection is kept for the next request, in ms
   * (default 30,000): shorter than the API server's idle timeout
   * (kube-apiserver closes idle connections after 90 s), so the client is
   * the one to close it. A shorter `Keep-Alive: timeout=` announced by the
   * server wins.
   */
  idleTimeoutMs?: number;
}

/** The defaults of {@link ConnectionOptions}. */
export const DEFAULT_CONNECTIONS: Readonly<Required<ConnectionOptions>> = Object.freeze({ maxSockets: 128, idleTimeoutMs: 30_000 });

/** The agent options that decide which connections may serve a request (TLS identity and checks). */
const IDENTITY_KEYS = [
  'ca',
  'cert',
  'key',
  'pfx',
  'passphrase',
  'rejectUnauthorized',
  'servername',
  'ciphers',
  'ecdhCurve',
  'crl',
  'secureOptions',
  'secureProtocol',
] as const;

/**
 * Kept-alive connections for one client. client-node makes a new agent
 * (so a new TCP connection) for every call; {@link agentFor} swaps it for a
 * pooled one with the same TLS options. Proxy agents are left as they are.
 */
export class ConnectionPool {
  readonly #maxSockets: number;
  readonly #idleTimeoutMs: number;
  readonly #slots: CallSlots;
  #current: { key: string; agent: HttpAgent } | undefined;

  /** `maxSockets` Infinity for watches: each stream holds its connection for as long as it lasts. */
  constructor(options: ConnectionOptions & { maxSockets?: number } = {}) {
    this.#maxSockets = options.maxSockets ?? DEFAULT_CONNECTIONS.maxSockets;
    this.#idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_CONNECTIONS.idleTimeoutMs;
    if (!(this.#maxSockets >= 1)) throw new RangeError(`maxSockets must be at least 1 (got ${this.#maxSockets})`);
    if (!(this.#idleTimeoutMs >= 1)) throw new RangeError(`idleTimeoutMs must be at least 1 ms (got ${this.#idleTimeoutMs})`);
    // Twice the connections: while every connection is busy, up to `maxSockets` calls have their request made and queued with the agent,
    // ready for the next free one (with no more calls than connections, each freed connection waited for the next call to make its
    // request: 1,000 applies over 16 connections took 36-41 s against 18-30 s, and a loaded 3,000 fleet resent 1,500-2,300 patches).
    this.#slots = new CallSlots(this.#maxSockets * 2);
  }

  /**
   * Runs `fn`, one call of at most one request at a time, once fewer than
   * twice `maxSockets` calls of this pool are running: the calls beyond wait
   * here, before their request is made, not in the agent's queue with it
   * (see {@link CallSlots}). A call whose `signal` aborts while it waits
   * rejects with the signal's reason and is never sent.
   */
  call<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.#slots.run(fn, signal);
  }

  /** The pooled agent to use instead of `fresh`, the agent client-node made for one call. */
  agentFor<A>(fresh: A): A | HttpAgent {
    if (!(fresh instanceof HttpAgent)) return fresh;
    const Kind = fresh.constructor === HttpsAgent ? HttpsAgent : fresh.constructor === HttpAgent ? HttpAgent : undefined;
    if (!Kind) return fresh;
    const options = (fresh as unknown as { options: Record<string, unknown> }).options;
    const key = identityKey(Kind === HttpsAgent ? 'https' : 'http', options);
    if (this.#current?.key !== key) {
      // A new TLS identity (rotated client certificate): the old agent's idle connections close by their idle timeout.
      const agent = reuseAfterClose(new Kind({ ...options, keepAlive: true, maxSockets: this.#maxSockets, timeout: this.#idleTimeoutMs, scheduling: 'lifo' }));
      this.#current = { key, agent };
    }
    return this.#current.agent;
  }

  /** Closes every connection of the pool (requests in flight fail). */
  destroy(): void {
    this.#current?.agent.destroy();
    this.#current = undefined;
  }
}

/**
 * When requests are queued, hands a socket that finished a response to the
 * next of them only on the next turn of the event loop, after that
 * response's `close` event.
 *
 * node-fetch 2 (client-node's transport) decides that a chunked response
 * was cut short when, at the response's `close`, its socket still has a
 * `data` listener. On a kept-alive socket given at once to a queued request
 * that listener is the queued request's, so a complete response whose body
 * was not yet read failed with `Premature close`
 * (`ERR_STREAM_PREMATURE_CLOSE`). A socket taken from the free list later
 * is safe: its last response was read by then. While a socket waits for its
 * turn, an error on it (the server closing it) is absorbed: the agent then
 * finds it unwritable and destroys it.
 */
function reuseAfterClose<A extends HttpAgent>(agent: A): A {
  const emit = agent.emit.bind(agent);
  agent.emit = ((event: string | symbol, ...args: unknown[]) => {
    if (event !== 'free') return emit(event, ...args);
    const [socket, options] = args as [Socket, ClientRequestArgs];
    if (!agent.requests[agent.getName(options)]?.length) return emit(event, ...args);
    const absorb = () => {};
    socket.on('error', absorb);
    setImmediate(() => {
      socket.off('error', absorb);
      emit('free', ...args);
    });
    return true;
  }) as A['emit'];
  return agent;
}

function identityKey(kind: string, options: Record<string, unknown>): string {
  const hash = createHash('sha256').update(kind);
  for (const k of IDENTITY_KEYS) {
    const v = options[k];
    hash.update(`\0${k}=`);
    if (v !== undefined) hash.update(Buffer.isBuffer(v) || typeof v === 'string' ? v : JSON.stringify(v));
  }
  return hash.digest('hex');
}
