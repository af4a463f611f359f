/** A tiny client of the host's HTTP API for the demo. */
export class ApiClient {
  constructor(readonly baseUrl: string, readonly token: string) {}

  /** Sends a request and returns the JSON body; throws with the API's error message otherwise. */
  async call<T = Record<string, unknown>>(method: string, path: string, body?: { text: string; contentType: string }): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body ? { 'content-type': body.contentType } : {}) },
      ...(body ? { body: body.text } : {}),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`${method} ${path}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
    }
    if (!res.ok) {
      const e = (json as { error?: { code?: string; message?: string } }).error;
      throw new Error(`${method} ${path}: HTTP ${res.status} ${e?.code ?? ''}: ${e?.message ?? text.slice(0, 200)}`);
    }
    return json as T;
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
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
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
