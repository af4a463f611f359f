import { connect } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WritesInFlight } from '../src/http/writes-in-flight';

/**
 * A server whose POST /api/hold and GET /api/hold answer only when `release` is called, with the
 * host's order of hooks: a token check on `/api/` (header `authorization: ok`), then the count.
 * Like the host's, closing it closes the connections still open: after an aborted fetch the client
 * has another connection open, which would keep `close()` waiting about 4 s, until the client drops it.
 */
async function server(
  writes: WritesInFlight,
): Promise<{ app: FastifyInstance; url: string; release(): void; arrived(): number; countsWhenAnswering: number[] }> {
  const app = Fastify({ forceCloseConnections: true });
  const countsWhenAnswering: number[] = [];
  app.addHook('onSend', async () => {
    countsWhenAnswering.push(writes.count);
  });
  app.addHook('onRequest', async (request, reply) => {
    if (request.headers.authorization !== 'ok') return reply.code(401).send({ error: { code: 'UNAUTHORIZED', message: 'no token' } });
  });
  writes.install(app);
  let release!: () => void;
  let gate = new Promise<void>((resolve) => (release = resolve));
  let arrived = 0;
  const hold = async () => {
    arrived++;
    await gate;
    return { ok: true };
  };
  app.post('/api/hold', hold);
  app.get('/api/hold', hold);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    url,
    release: () => {
      release();
      gate = new Promise<void>((resolve) => (release = resolve));
    },
    arrived: () => arrived,
    countsWhenAnswering,
  };
}

const AUTH = { authorization: 'ok' };

let apps: FastifyInstance[] = [];
afterEach(async () => {
  for (const app of apps) await app.close();
  apps = [];
});

describe('WritesInFlight', () => {
  it('is busy from when a write request arrives until it is answered', async () => {
    const writes = new WritesInFlight({ maxWaitMs: 500 });
    const s = await server(writes);
    apps.push(s.app);
    expect(writes.busy()).toBe(false);
    const answers = [fetch(`${s.url}/api/hold`, { method: 'POST', headers: AUTH }), fetch(`${s.url}/api/hold`, { method: 'POST', headers: AUTH })];
    await vi.waitFor(() => expect(s.arrived()).toBe(2), { timeout: 10_000 });
    expect(writes.count).toBe(2);
    expect(writes.busy()).toBe(true);
    s.release();
    for (const a of await Promise.all(answers)) expect(a.status).toBe(200);
    await vi.waitFor(() => expect(writes.count).toBe(0), { timeout: 10_000 });
    expect(writes.busy()).toBe(false);
    expect(writes.maxWaitMs).toBe(500);
  });

  it('stays busy for quietMs after the last write was answered, on its clock', async () => {
    let now = 1_000;
    const writes = new WritesInFlight({ maxWaitMs: 500, quietMs: 50, now: () => now });
    const s = await server(writes);
    apps.push(s.app);
    expect(writes.busy()).toBe(false);
    const answer = fetch(`${s.url}/api/hold`, { method: 'POST', headers: AUTH });
    await vi.waitFor(() => expect(s.arrived()).toBe(1), { timeout: 10_000 });
    now = 5_000;
    s.release();
    expect((await answer).status).toBe(200);
    await vi.waitFor(() => expect(writes.count).toBe(0), { timeout: 10_000 });
    expect(writes.busy()).toBe(true);
    now = 5_049;
    expect(writes.busy()).toBe(true);
    now = 5_050;
    expect(writes.busy()).toBe(false);
    expect(writes.quietMs).toBe(50);
  });

  it('does not count reads (an open event stream must not hold the runs back)', async () => {
    const writes = new WritesInFlight({ maxWaitMs: 500 });
    const s = await server(writes);
    apps.push(s.app);
    const answer = fetch(`${s.url}/api/hold`, { headers: AUTH });
    await vi.waitFor(() => expect(s.arrived()).toBe(1), { timeout: 10_000 });
    expect(writes.busy()).toBe(false);
    s.release();
    expect((await answer).status).toBe(200);
  });

  it('stops counting a write request whose client went away before the answer', async () => {
    const writes = new WritesInFlight({ maxWaitMs: 500 });
    const s = await server(writes);
    apps.push(s.app);
    const aborted = new AbortController();
    const answer = fetch(`${s.url}/api/hold`, { method: 'POST', headers: AUTH, signal: aborted.signal }).catch((e: Error) => e.name);
    await vi.waitFor(() => expect(s.arrived()).toBe(1), { timeout: 10_000 });
    expect(writes.count).toBe(1);
    aborted.abort();
    expect(await answer).toBe('AbortError');
    await vi.waitFor(() => expect(writes.count).toBe(0), { timeout: 10_000 });
    s.release();
  });

  it('stops counting a write whose client sent its whole body and left before the answer', async () => {
    const writes = new WritesInFlight({ maxWaitMs: 500 });
    const s = await server(writes);
    apps.push(s.app);
    const { port } = new URL(s.url);
    const socket = connect(Number(port), '127.0.0.1');
    const body = '{"a":1}';
    socket.write(`POST /api/hold HTTP/1.1\r\nhost: x\r\nauthorization: ok\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
    await vi.waitFor(() => expect(s.arrived()).toBe(1), { timeout: 10_000 });
    expect(writes.count).toBe(1);
    socket.destroy();
    await vi.waitFor(() => expect(writes.count).toBe(0), { timeout: 10_000 });
    s.release();
  });

  it('does not count writes refused before they reach a route: no token, no such route', async () => {
    const writes = new WritesInFlight({ maxWaitMs: 500 });
    const s = await server(writes);
    apps.push(s.app);
    expect((await fetch(`${s.url}/api/hold`, { method: 'POST' })).status).toBe(401);
    expect((await fetch(`${s.url}/api/nothing`, { method: 'POST', headers: AUTH })).status).toBe(404);
    expect(s.countsWhenAnswering).toEqual([0, 0]);
    expect(writes.count).toBe(0);
  });
});
