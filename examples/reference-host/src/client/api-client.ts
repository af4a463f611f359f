/** An error answer of the host's API: its HTTP status and stable code. */
export class ApiCallError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly issues: ApiIssue[] = [],
  ) {
    super(message);
  }
}

/** One problem the API names in a request: the field, and where in the text when known. */
export interface ApiIssue {
  field: string;
  message: string;
  line?: number;
  col?: number;
}

/** A tiny client of the host's HTTP API (the demo and `innominatus-ctl`). */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly token: string,
  ) {}

  /** Sends a request and returns the JSON body; throws with the API's error message otherwise. */
  async call<T = Record<string, unknown>>(method: string, path: string, body?: { text: string; contentType: string }): Promise<T> {
    return JSON.parse(await this.text(method, path, body)) as T;
  }

  /** Sends a request and returns the body as text; throws {@link ApiCallError} for an error answer. */
  async text(method: string, path: string, body?: { text: string; contentType: string }): Promise<string> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body ? { 'content-type': body.contentType } : {}) },
      ...(body ? { body: body.text } : {}),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    if (res.ok && !/json/.test(res.headers.get('content-type') ?? '')) return text;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ApiCallError(`${method} ${path}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`, res.status, `HTTP_${res.status}`);
    }
    if (!res.ok) {
      const e = (json as { error?: { code?: string; message?: string; issues?: ApiIssue[] } }).error;
      throw new ApiCallError(
        `${method} ${path}: HTTP ${res.status} ${e?.code ?? ''}: ${e?.message ?? text.slice(0, 200)}`,
        res.status,
        e?.code ?? `HTTP_${res.status}`,
        e?.issues ?? [],
      );
    }
    return text;
  }

  /**
   * Follows `GET /api/events` and calls `onEvent` for each server-sent event
   * until `signal` aborts. Resolves once the stream is open.
   */
  async events(query: string, onEvent: (kind: string, data: Record<string, unknown>) => void, signal: AbortSignal): Promise<void> {
    const res = await fetch(`${this.baseUrl}/api/events${query}`, { headers: { authorization: `Bearer ${this.token}` }, signal });
    if (!res.ok || !res.body) throw new Error(`GET /api/events: HTTP ${res.status}`);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    void (async () => {
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += decoder.decode(value, { stream: true });
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const kind = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (kind && data) onEvent(kind, JSON.parse(data) as Record<string, unknown>);
          }
        }
      } catch {
        // The stream ends when the demo aborts it.
      }
    })();
  }
}
