import { KubernetesError, type RequestTarget } from '../errors';

/**
 * Connection failures worth a retry. `ERR_STREAM_PREMATURE_CLOSE` is
 * node-fetch's "Premature close": the connection closed before a chunked
 * response (a watch, a long list) ended — on a kept-alive connection, that
 * is how a server going away shows.
 */
const TRANSIENT_NET = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'ERR_STREAM_PREMATURE_CLOSE',
]);
/** Longest Retry-After honoured (seconds); longer ones are capped. */
export const MAX_RETRY_AFTER_S = 60;

/** The HTTP status of a client-node error (ApiException `code`, Watch `statusCode`), if any. */
export function statusOf(err: unknown): number | undefined {
  const e = err as { code?: unknown; statusCode?: unknown };
  if (typeof e?.statusCode === 'number') return e.statusCode;
  if (typeof e?.code === 'number') return e.code;
  return undefined;
}

/** True for 408 (the server gave up waiting for the request), 429, 5xx and connection resets/refusals: worth retrying. */
export function isTransient(err: unknown): boolean {
  if (KubernetesError.is(err)) return err.retryable;
  const status = statusOf(err);
  if (status !== undefined) return status === 408 || status === 429 || status >= 500;
  const e = err as { code?: unknown; type?: unknown; errno?: unknown; cause?: { code?: unknown } };
  if (typeof e?.code === 'string' && TRANSIENT_NET.has(e.code)) return true;
  if (typeof e?.cause?.code === 'string' && TRANSIENT_NET.has(e.cause.code)) return true;
  return e?.type === 'system';
}

/** Milliseconds from a 429/503 `Retry-After` header (seconds or HTTP date), capped. */
export function retryAfterMs(err: unknown): number | undefined {
  const headers = (err as { headers?: Record<string, string> })?.headers;
  const raw = headers?.['retry-after'] ?? headers?.['Retry-After'];
  if (raw === undefined) return undefined;
  const s = Number(raw);
  const ms = Number.isFinite(s) ? s * 1000 : Date.parse(raw) - Date.now();
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  return Math.min(ms, MAX_RETRY_AFTER_S * 1000);
}

/** The API server's own message (from the Status body), or the error's message. */
export function apiMessage(err: unknown): string {
  const body = (err as { body?: unknown })?.body;
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
      if (body.trim()) return body.trim().slice(0, 500);
    }
  }
  const msg = (parsed as { message?: unknown } | undefined)?.message;
  if (typeof msg === 'string' && msg) return msg;
  const status = statusOf(err);
  if (err instanceof Error) {
    // ApiException messages carry the whole response (headers too); keep the first line.
    const first = err.message.split('\n')[0]!;
    return status !== undefined && first.startsWith('HTTP-Code') ? `HTTP ${status}` : first;
  }
  return String(err);
}

/** `secrets "x" in namespace "y"` / `namespaces "x"` (cluster-scoped). */
export function describeTarget(t: RequestTarget): string {
  return `${t.resource}${t.name ? ` "${t.name}"` : ''}${t.namespace ? ` in namespace "${t.namespace}"` : ' (cluster-scoped)'}`;
}

/**
 * Turns a client-node error into a {@link KubernetesError}: a 403 names verb,
 * resource and namespace; other 4xx keep the API's message; 408/429/5xx/resets
 * become retryable `K8S_UNAVAILABLE`.
 */
export function toKubernetesError(err: unknown, target: RequestTarget): KubernetesError {
  if (KubernetesError.is(err)) return err;
  const status = statusOf(err);
  const what = describeTarget(target);
  const msg = apiMessage(err);
  const opts = { target, ...(status !== undefined ? { status } : {}) };
  if (status === 403) {
    return new KubernetesError(
      'K8S_FORBIDDEN',
      `forbidden: cannot ${target.verb} ${what}: ${msg}. Grant the '${target.verb}' verb on '${target.resource}'${target.namespace ? ` in namespace '${target.namespace}'` : ''} to the identity in the kubeconfig`,
      opts,
    );
  }
  if (status === 401)
    return new KubernetesError('K8S_UNAUTHORIZED', `unauthorized: cannot ${target.verb} ${what}: ${msg} (check the kubeconfig credentials)`, opts);
  if (status === 404) return new KubernetesError('K8S_NOT_FOUND', `${target.verb} ${what}: ${msg}`, opts);
  if (isTransient(err)) {
    const why = status !== undefined ? `HTTP ${status}: ${msg}` : `connection failed: ${msg}`;
    return new KubernetesError('K8S_UNAVAILABLE', `${target.verb} ${what}: the API server is unavailable (${why})`, opts);
  }
  if (status !== undefined) return new KubernetesError('K8S_REJECTED', `${target.verb} ${what} was rejected (HTTP ${status}): ${msg}`, opts);
  return new KubernetesError('K8S_REJECTED', `${target.verb} ${what} failed: ${msg}`, opts);
}
