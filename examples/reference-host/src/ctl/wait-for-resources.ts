import type { ApiClient } from '../client/api-client';
import type { ProgressDisplay } from '../client/progress-display';

/** A resource being waited for. */
export interface Awaited {
  id: string;
  name: string;
  type: string;
  /** The state that ends the wait well (`active`, or `terminated` for a delete). */
  goal: 'active' | 'terminated';
  /** Its state when the request was answered. */
  state?: string;
}

const POLL_MS = 1000;

/**
 * Follows the application's events (and polls, in case an event came before
 * the stream opened) until every resource reached its goal or `failed`, or
 * `timeoutMs` passed. Shows states and steps on `display`. Resolves with each
 * resource's last state.
 */
export async function waitForResources(api: ApiClient, application: string, resources: Awaited[], display: ProgressDisplay, timeoutMs: number): Promise<Map<string, string>> {
  const byId = new Map(resources.map((r) => [r.id, r]));
  const states = new Map<string, string>();
  let settle!: () => void;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  const done = () => resources.every((r) => states.get(r.id) === r.goal || states.get(r.id) === 'failed');
  const seen = (id: string, state: string) => {
    const r = byId.get(id);
    if (!r || states.get(id) === state) return;
    states.set(id, state);
    display.state(id, r.name, r.type, state);
    if (done()) settle();
  };
  for (const r of resources) if (r.state) seen(r.id, r.state);
  const stop = new AbortController();
  await api.events(`?application=${encodeURIComponent(application)}`, (kind, e) => {
    const id = String(e.resourceId);
    if (kind === 'resource') seen(id, String(e.to));
    else if (kind === 'step' && byId.has(id)) {
      const r = byId.get(id)!;
      display.step(id, r.name, r.type, String(e.step), String(e.status), e.message === undefined ? undefined : String(e.message));
    }
  }, stop.signal);
  const poll = async () => {
    for (const r of resources) {
      const current = await api.call<{ state: string }>('GET', `/api/resources/${r.id}`).catch(() => undefined);
      if (current) seen(r.id, current.state);
    }
  };
  const timer = setInterval(() => void poll(), POLL_MS);
  let timeout: NodeJS.Timeout | undefined;
  try {
    await poll();
    if (!done()) await Promise.race([settled, new Promise<void>((resolve) => (timeout = setTimeout(resolve, timeoutMs)))]);
  } finally {
    clearInterval(timer);
    clearTimeout(timeout);
    stop.abort();
    display.finish();
  }
  return states;
}
