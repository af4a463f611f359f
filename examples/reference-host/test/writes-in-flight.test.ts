import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WritesInFlight } from '../src/http/writes-in-flight';

/** A server whose POST /hold and GET /hold answer only when `release` is called. */
async function server(writes: WritesInFlight): Promise<{ app: FastifyInstance; url: string; release(): void; arrived(): number }> {
  const app = Fastify();
  writes.install(app);
  let release!: () => void;
  let gate = new Promise<void>((resolve) => (release = resolve));
  let arrived = 0;
  const hold = async () => {
    arrived++;
    await gate;
    return { ok: true };
  };
  app.post('/hold', hold);
  app.get('/hold', hold);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    url,
    release: () => {
      release();
      gate = new Promise<void>((resolve) => (release = resolve));
    },
    arrived: () => arrived,
  };
}

let apps: FastifyInstance[] = [];
afterEach(async () => {
  for (const app of apps) await app.close();
  apps = [];
});

describe('WritesInFlight', () => {
  it('is busy from when a write request arrives until it is answered', async () => {
    const writes = new WritesInFlight(500);
    const s = await server(writes);
    apps.push(s.app);
    expect(writes.busy()).toBe(false);
    const answers = [fetch(`${s.url}/hold`, { method: 'POST' }), fetch(`${s.url}/hold`, { method: 'POST' })];
    await vi.waitFor(() => expect(s.arrived()).toBe(2), { timeout: 10_000 });
    expect(writes.count).toBe(2);
    expect(writes.busy()).toBe(true);
    s.release();
    for (const a of await Promise.all(answers)) expect(a.status).toBe(200);
    await vi.waitFor(() => expect(writes.count).toBe(0), { timeout: 10_000 });
    expect(writes.busy()).toBe(false);
    expect(writes.maxWaitMs).toBe(500);
  });

  it('does not count reads (an open event stream must not hold the runs back)', async () => {
    const writes = new WritesInFlight(500);
    const s = await server(writes);
    apps.push(s.app);
    const answer = fetch(`${s.url}/hold`);
    await vi.waitFor(() => expect(s.arrived()).toBe(1), { timeout: 10_000 });
    expect(writes.busy()).toBe(false);
    s.release();
    expect((await answer).status).toBe(200);
  });

  it('stops counting a write request whose client went away before the answer', async () => {
    const writes = new WritesInFlight(500);
    const s = await server(writes);
    apps.push(s.app);
    const aborted = new AbortController();
    const answer = fetch(`${s.url}/hold`, { method: 'POST', signal: aborted.signal }).catch((e: Error) => e.name);
    await vi.waitFor(() => expect(s.arrived()).toBe(1), { timeout: 10_000 });
    expect(writes.count).toBe(1);
    aborted.abort();
    expect(await answer).toBe('AbortError');
    await vi.waitFor(() => expect(writes.count).toBe(0), { timeout: 10_000 });
    s.release();
  });
});
