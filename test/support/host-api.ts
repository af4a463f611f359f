// What the tests that talk to a host over HTTP share, whether the host runs in their process (e2e-host.ts) or as
// one (host-process.ts): its configuration, tokens and API calls. Nothing here loads the host, so a file that
// only starts host processes does not compile the host's source into its own.
import { vi } from 'vitest';
import { join } from 'node:path';
import { ROOT } from './repo-root';

/** The Score application the end-to-end tests and the benchmarks submit: one `postgres` resource, `db`, of a size. */
export { oneDatabaseSpec } from '../../bench/lib/spec-client';

export { ROOT } from './repo-root';
export const PROVIDER_DIR = join(ROOT, 'providers/database-team');
export const ADMIN_TOKEN = 'e2e-admin-token-5f0c2a9b7d1e4c38';
export const USER_TOKEN = 'e2e-user-token-8a3e6d1f0b9c2e77';

/** The configuration text of an end-to-end host. */
export function configText(options: { store: string; kubernetes?: string; bodyLimit?: string; lease?: string; pollInterval?: string }): string {
  return [
    `server: { host: 127.0.0.1, port: 0, bodyLimit: ${options.bodyLimit ?? '1MiB'} }`,
    `store: { url: "${options.store}" }`,
    `kubernetes: ${options.kubernetes ?? '{ mode: simulate }'}`,
    'auth:',
    '  tokens:',
    `    - { name: e2e-admin, role: admin, token: ${ADMIN_TOKEN} }`,
    `    - { name: e2e-user, role: user, token: ${USER_TOKEN} }`,
    'providers:',
    `  - { name: database-team, type: filesystem, path: "${PROVIDER_DIR}" }`,
    `orchestrator: { lease: ${options.lease ?? '30s'}, pollInterval: ${options.pollInterval ?? '5s'} }`,
    'logging: { level: debug }',
    '',
  ].join('\n');
}

/** An HTTP answer: status, body text and parsed JSON (when it is JSON). */
export interface Answer {
  status: number;
  text: string;
  json: any;
  headers: Headers;
}

/** Calls the host's API with a token (default: the user token). */
export async function call(
  base: string,
  method: string,
  path: string,
  options: { token?: string | null; body?: string | object; contentType?: string } = {},
): Promise<Answer> {
  const token = options.token === undefined ? USER_TOKEN : options.token;
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  let body: string | undefined;
  if (typeof options.body === 'string') {
    body = options.body;
    headers['content-type'] = options.contentType ?? 'application/yaml';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(`${base}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, headers: res.headers };
}

/** Waits (vi.waitFor, every 50 ms) until `fn` returns a truthy value; fails after `timeoutMs` with the last error. */
export function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  return vi.waitFor(
    async () => {
      const v = await fn();
      if (!v) throw new Error(`still waiting for ${what}`);
      return v;
    },
    { timeout: timeoutMs, interval: 50 },
  );
}

/** Waits until a resource is in `state` and returns it. */
export function resourceInState(base: string, id: string, state: string, timeoutMs?: number): Promise<any> {
  return until(
    `resource ${id} to be ${state}`,
    async () => {
      const r = await call(base, 'GET', `/api/resources/${id}`);
      if (r.json?.state === 'failed' && state !== 'failed') throw new Error(`resource failed: ${JSON.stringify(r.json.error)}`);
      return r.json?.state === state ? r.json : undefined;
    },
    timeoutMs,
  );
}

/** Collects the raw text of `GET /api/events` until stopped. */
export async function collectEvents(base: string, query = ''): Promise<{ text: () => string; events: () => any[]; stop: () => void }> {
  const controller = new AbortController();
  const res = await fetch(`${base}/api/events${query}`, { headers: { authorization: `Bearer ${USER_TOKEN}` }, signal: controller.signal });
  let text = '';
  const reader = res.body!.getReader();
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += new TextDecoder().decode(value);
      }
    } catch {
      // aborted
    }
  })();
  return {
    text: () => text,
    events: () =>
      text
        .split('\n\n')
        .filter((b) => b.includes('\ndata: '))
        .map((b) => JSON.parse(b.slice(b.indexOf('\ndata: ') + 7))),
    stop: () => controller.abort(),
  };
}
