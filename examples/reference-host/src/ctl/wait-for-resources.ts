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
/** Events kept from before the resources are known. */
const BUFFERED = 5000;

type Handler = (kind: string, e: Record<string, unknown>) => void;

/** The host's event stream, opened before a request so that none of its events is missed. */
export interface EventFollower {
  /** Calls `handler` with the events received so far, then with each later one. */
  watch(handler: Handler): void;
  stop(): void;
}

/** Opens `GET /api/events` and keeps its events until {@link EventFollower.watch} takes them. */
export async function followEvents(api: ApiClient): Promise<EventFollower> {
  const buffer: [string, Record<string, unknown>][] = [];
  let handler: Handler | undefined;
  const controller = new AbortController();
  await api.events(
    '',
    (kind, e) => {
      if (handler) handler(kind, e);
      else if (buffer.push([kind, e]) > BUFFERED) buffer.shift();
    },
    controller.signal,
  );
  return {
    watch(h) {
      for (const [kind, e] of buffer.splice(0)) h(kind, e);
      handler = h;
    },
    stop: () => controller.abort(),
  };
}

/**
 * Follows the events (and polls, for anything the stream missed) until
 * every resource reached its goal or `failed`, or `timeoutMs` passed. Shows
 * states and steps on `display`. Resolves with each resource's last state.
 */
export async function waitForResources(
  api: ApiClient,
  follower: EventFollower,
  resources: Awaited[],
  display: ProgressDisplay,
  timeoutMs: number,
): Promise<Map<string, string>> {
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
  follower.watch((kind, e) => {
    const id = String(e.resourceId);
    if (kind === 'resource') seen(id, String(e.to));
    else if (kind === 'step' && byId.has(id)) {
      const r = byId.get(id)!;
      display.step(id, r.name, r.type, String(e.step), String(e.status), e.message === undefined ? undefined : String(e.message));
    }
  });
  const poll = async () => {
    for (const r of resources) {
      const current = await api.call<{ state: string }>('GET', `/api/resources/${r.id}`).catch(() => undefined);
      if (current) seen(r.id, current.state);
    }
  };
  const timer = setInterval(() => void poll(), POLL_MS);
  let timeout: NodeJS.Timeout | undefined;
  try {
    if (!done()) await Promise.race([settled, new Promise<void>((resolve) => (timeout = setTimeout(resolve, timeoutMs)))]);
  } finally {
    clearInterval(timer);
    clearTimeout(timeout);
    follower.stop();
    display.finish();
  }
  return states;
}
