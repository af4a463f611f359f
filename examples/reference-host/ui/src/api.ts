/** The API token lives in session storage only: never in a URL, gone with the tab. */
const TOKEN_KEY = 'innominatus.token';

export function getToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** An error answer of the API, with its stable code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Calls the host's API with the session's token; an answer other than 2xx throws {@link ApiError}. */
export async function api<T>(method: string, path: string, token = getToken()): Promise<T> {
  const res = await fetch(path, { method, headers: { authorization: `Bearer ${token ?? ''}`, accept: 'application/json' } });
  const body = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string } };
  if (!res.ok) {
    if (res.status === 401) window.dispatchEvent(new Event('innominatus:signed-out'));
    throw new ApiError(res.status, body.error?.code ?? `HTTP_${res.status}`, body.error?.message ?? res.statusText);
  }
  return body as T;
}

/** One server-sent event of `/api/events`. */
export interface HostEvent {
  kind: 'resource' | 'step' | 'retrying';
  resourceId?: string;
  runId?: string;
  application?: string;
  name?: string;
  resource?: string;
  step?: string;
  status?: string;
  message?: string;
  to?: string;
  at: string;
}

/**
 * Follows `/api/events` (fetch, because EventSource cannot send the token
 * header) and calls `onEvent` for each event; reconnects after a drop until
 * `signal` aborts.
 */
export function followEvents(onEvent: (e: HostEvent) => void, signal: AbortSignal, onOpen?: () => void): void {
  const connect = async (): Promise<void> => {
    try {
      const res = await fetch('/api/events', { headers: { authorization: `Bearer ${getToken() ?? ''}` }, signal });
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      onOpen?.();
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (data) onEvent(JSON.parse(data) as HostEvent);
        }
      }
    } catch {
      // Dropped or refused: try again below unless the page went away.
    }
    if (!signal.aborted) setTimeout(() => void connect(), 2000);
  };
  void connect();
}
