import { createEngine, createOrchestrator, defineStep, MemoryStore, StepFailure, Type, type Workflow } from '@innominatus/core';
import { createFakeClock, staticResolver } from '@innominatus/core/testing';
import type { FastifyInstance } from 'fastify';
import { afterEach, expect, it } from 'vitest';
import { bridgeOrchestratorEvents } from '../src/host/event-bridge';
import { logHostEvents } from '../src/host/host-log';
import { createServer } from '../src/http/server';
import { createLogger } from '../src/logger';
import { USER_TOKEN, fakeServices } from './fake-services';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups.length = 0;
});

const workflow: Workflow = {
  apiVersion: 'innominatus.io/v1',
  kind: 'Workflow',
  metadata: { name: 'thing-create' },
  steps: [{ name: 'apply', type: 'test-flaky', with: {} }],
};

/** Reads server-sent events from `res` until `done` holds for the events so far. */
async function readEvents(reader: ReadableStreamDefaultReader<Uint8Array>, seen: { text: string }, done: (events: { event: string; data: any }[]) => boolean) {
  const parse = () =>
    seen.text
      .split('\n\n')
      .filter((b) => b.includes('data: '))
      .map((b) => ({ event: /^event: (.*)$/m.exec(b)![1]!, data: JSON.parse(b.split('data: ')[1]!) }));
  while (!done(parse())) {
    const { value, done: ended } = await reader.read();
    if (ended) throw new Error(`the event stream ended; got: ${seen.text}`);
    seen.text += new TextDecoder().decode(value);
  }
  return parse();
}

it('forwards a resource waiting for its next try to /api/events as a retrying event (with the next attempt and the last error), to the log and to /metrics', async () => {
  const env = fakeServices();
  const app: FastifyInstance = createServer(env.services);
  cleanups.push(() => app.close());
  const address = await app.listen({ port: 0, host: '127.0.0.1' });

  // A real orchestrator whose only step fails retryably once, bridged to the host's hub as the host does it.
  const clock = createFakeClock();
  const store = new MemoryStore({ clock });
  let tries = 0;
  const flaky = defineStep({
    type: 'test-flaky',
    description: 'Cannot connect on its first try',
    timeout: '5s',
    input: Type.Object({}),
    output: Type.Object({}),
    async run() {
      if (++tries === 1) throw new StepFailure('connect ECONNREFUSED 127.0.0.1:6443', { retryable: true });
      return {};
    },
  });
  const engine = createEngine({ steps: [flaky], journal: store, defaultRetry: { attempts: 1 } });
  const o = createOrchestrator({ store, engine, registry: staticResolver({ thing: { create: workflow } }), clock, retry: { backoff: 5_000 } });
  cleanups.push(() => o.stop({ graceMs: 0 }));
  cleanups.push(bridgeOrchestratorEvents(o.events, env.services.hub));
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => lines.push(line) } as never });
  cleanups.push(logHostEvents(env.services.hub, logger));

  const controller = new AbortController();
  cleanups.push(() => controller.abort());
  const res = await fetch(`${address}/api/events?application=shop`, { headers: { authorization: `Bearer ${USER_TOKEN}` }, signal: controller.signal });
  const reader = res.body!.getReader();
  const seen = { text: '' };
  o.start();
  const { id } = await o.submit({ application: 'shop', name: 'db', type: 'thing', properties: {} });
  const failedAt = new Date(clock.now()).toISOString();
  const first = await readEvents(reader, seen, (events) => events.some((e) => e.event === 'retrying'));
  expect(first.find((e) => e.event === 'retrying')!.data).toEqual({
    kind: 'retrying',
    resourceId: id,
    application: 'shop',
    name: 'db',
    type: 'thing',
    operation: 'create',
    failedTries: 1,
    nextAttemptAt: new Date(clock.now() + 5_000).toISOString(),
    error: { code: 'STEP_FAILED', message: "step 'apply' failed: connect ECONNREFUSED 127.0.0.1:6443", since: failedAt },
    at: failedAt,
  });
  // The next try comes by itself once its time has come, and the stream shows the resource going active.
  await clock.advance(5_000);
  const all = await readEvents(reader, seen, (events) => events.some((e) => e.data.to === 'active'));
  expect(all.filter((e) => e.event !== 'step').map((e) => [e.event, e.data.to ?? e.data.failedTries])).toEqual([
    ['resource', 'requested'],
    ['resource', 'provisioning'],
    ['retrying', 1],
    ['resource', 'active'],
  ]);
  expect(tries).toBe(2);
  const warned = lines.map((l) => JSON.parse(l)).find((l) => l.code === 'STEP_FAILED');
  expect(warned).toMatchObject({
    level: 40,
    resourceId: id,
    operation: 'create',
    failedTries: 1,
    since: failedAt,
    msg: `resource shop/db: create try 1 failed (step 'apply' failed: connect ECONNREFUSED 127.0.0.1:6443); retrying at ${new Date(Date.parse(failedAt) + 5_000).toISOString()}`,
  });
  const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  expect(metrics).toContain('innominatus_resource_retries_total{code="STEP_FAILED"} 1');
});
