import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sensitive } from '@innominatus/core';
import { createServer } from '../src/http/server';
import { MAX_EVENT_STREAMS } from '../src/http/routes/events';
import { ADMIN_TOKEN, USER_TOKEN, fakeServices } from './fake-services';

const SPEC = `apiVersion: score.dev/v1b1
metadata:
  name: my-app
containers:
  main:
    image: myapp:latest
    variables:
      DATABASE_URL: \${resources.db.connection_string}
      DB_HOST: \${resources.db.host}
resources:
  db:
    type: postgres
    params:
      size: small
`;
const PASSWORD = 'Zs8dGq2LkP0aW4xYv7bN';
const user = { authorization: `Bearer ${USER_TOKEN}` };
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const yaml = { ...user, 'content-type': 'application/yaml' };

let env: ReturnType<typeof fakeServices>;
let app: FastifyInstance;

beforeEach(async () => {
  env = fakeServices();
  app = createServer(env.services);
  await app.ready();
});
afterEach(() => app.close());

async function submit(body = SPEC) {
  return app.inject({ method: 'POST', url: '/api/specs', headers: yaml, payload: body });
}

async function activate(id: string) {
  await env.activate(id, {
    outputs: {
      host: 'my-app-db.my-app.svc.cluster.local',
      port: 5432,
      password: sensitive(PASSWORD),
      connection_string: sensitive(`postgresql://app:${PASSWORD}@h/db`),
    },
  });
}

describe('authentication', () => {
  it('answers 401 with JSON without or with an unknown token, and lets /healthz through', async () => {
    const none = await app.inject({ method: 'GET', url: '/api/resources' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="innominatus"');
    expect(none.json()).toEqual({ error: { code: 'UNAUTHENTICATED', message: 'missing bearer token: send "Authorization: Bearer <token>"' } });
    const wrong = await app.inject({ method: 'GET', url: '/api/resources', headers: { authorization: 'Bearer nope-nope-nope-nope' } });
    expect(wrong.json()).toEqual({ error: { code: 'UNAUTHENTICATED', message: 'unknown bearer token' } });
    const basic = await app.inject({ method: 'GET', url: '/api/resources', headers: { authorization: 'Basic abc' } });
    expect(basic.json().error.message).toBe('the Authorization header must be "Bearer <token>"');
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
  });

  it('authenticates by the matched route, however the path is spelled', async () => {
    for (const url of ['/%61pi/resources', '/api/resources/', '/api/%72esources', '/%61pi/specs/my-app/resolved']) {
      const res = await app.inject({ method: 'GET', url });
      expect([url, res.statusCode]).toEqual([url, 401]);
    }
  });

  it('answers 403 when a user asks to reveal secrets', async () => {
    await submit();
    const res = await app.inject({ method: 'GET', url: '/api/specs/my-app/resolved?reveal=true', headers: user });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({
      error: { code: 'FORBIDDEN', message: "revealing sensitive values (?reveal=true) needs the admin role; token 'dev' has role 'user'" },
    });
  });
});

describe('POST /api/specs', () => {
  it('creates the resources of a new spec and stores it', async () => {
    const res = await submit();
    expect(res.statusCode).toBe(202);
    const body = res.json();
    expect(body).toEqual({
      application: 'my-app',
      changes: [{ action: 'create', name: 'db', type: 'postgres', reason: 'new in the spec', id: expect.any(String), state: 'requested' }],
      unchanged: [],
      failed: [],
      waiting: [],
      warnings: [],
    });
    const spec = await app.inject({ method: 'GET', url: '/api/specs/my-app', headers: user });
    expect(spec.json().spec.resources).toEqual({ db: { type: 'postgres', params: { size: 'small' } } });
    expect(spec.json().resources.map((r: { name: string; state: string }) => [r.name, r.state])).toEqual([['db', 'requested']]);
    const list = await app.inject({ method: 'GET', url: '/api/specs', headers: user });
    expect(list.json()).toEqual({ specs: [{ name: 'my-app', submittedAt: expect.any(String), resources: ['db'] }] });
  });

  it('lists resources a page at a time, filtered by type in the store, every one once across page boundaries', async () => {
    for (let n = 0; n < 7; n++) await env.store.createResource({ application: `app-${n}`, name: 'db', type: n % 3 ? 'postgres' : 'redis', properties: {} });
    const asked: unknown[] = [];
    const list = env.store.listResources.bind(env.store);
    env.store.listResources = async (filter) => (asked.push(filter), list(filter));
    const walk = async (query: string) => {
      const pages: string[][] = [];
      let next: string | undefined;
      do {
        const body = (await app.inject({ method: 'GET', url: `/api/resources?${query}${next ? `&cursor=${next}` : ''}`, headers: user })).json();
        pages.push(body.resources.map((r: { application: string }) => r.application));
        next = body.next;
      } while (next);
      return pages;
    };
    expect(await walk('type=postgres&limit=2')).toEqual([
      ['app-1', 'app-2'],
      ['app-4', 'app-5'],
    ]);
    expect(await walk('type=redis&limit=2')).toEqual([['app-0', 'app-3'], ['app-6']]);
    expect(await walk('limit=3')).toEqual([['app-0', 'app-1', 'app-2'], ['app-3', 'app-4', 'app-5'], ['app-6']]);
    // One store call per page, asking for one more than the page holds and the type itself.
    expect(asked[0]).toEqual({ type: 'postgres', limit: 3 });
    expect(asked).toHaveLength(7);
  });

  it('shows a resource waiting out a retryable failure as retrying: next attempt, last error, since when', async () => {
    const id = (await submit()).json().changes[0].id;
    await env.move(id, 'requested', 'provisioning');
    const error = {
      code: 'STEP_FAILED',
      message: "step 'apply' failed: connect ECONNREFUSED 127.0.0.1:6443",
      retryable: true,
      step: 'apply',
      since: '2026-12-01T10:00:00.000Z',
    };
    await env.store.patchResource(id, {}, { attempts: 4, error, nextAttemptAt: '2026-12-01T10:00:15.000Z' });
    const body = (await app.inject({ method: 'GET', url: `/api/resources/${id}`, headers: user })).json();
    expect(body.retrying).toEqual({
      attempts: 4,
      nextAttemptAt: '2026-12-01T10:00:15.000Z',
      since: '2026-12-01T10:00:00.000Z',
      lastError: { code: 'STEP_FAILED', message: error.message },
    });
    await env.store.patchResource(id, {}, { error: { ...error, retryable: false } });
    expect((await app.inject({ method: 'GET', url: `/api/resources/${id}`, headers: user })).json().retrying).toBeUndefined();
  });

  it('counts retried tries by error code in /metrics, from the hub', async () => {
    const retrying = (failedTries: number) => ({
      kind: 'retrying' as const,
      resourceId: 'r1',
      application: 'my-app',
      name: 'db',
      type: 'postgres',
      operation: 'create' as const,
      failedTries,
      nextAttemptAt: '2026-12-01T10:00:15.000Z',
      error: { code: 'STEP_FAILED', message: 'connect ECONNREFUSED 127.0.0.1:6443' },
      at: '2026-12-01T10:00:14.000Z',
    });
    env.services.hub.publish(retrying(1));
    env.services.hub.publish(retrying(2));
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toContain('innominatus_resource_retries_total{code="STEP_FAILED"} 2');
  });

  it('lists specs a page at a time with a cursor, and refuses a cursor it did not make', async () => {
    for (const name of ['c-app', 'a-app', 'b-app']) expect((await submit(SPEC.replace('name: my-app', `name: ${name}`))).statusCode).toBe(202);
    const first = (await app.inject({ method: 'GET', url: '/api/specs?limit=2', headers: user })).json();
    expect(first.specs.map((s: { name: string }) => s.name)).toEqual(['a-app', 'b-app']);
    const second = (await app.inject({ method: 'GET', url: `/api/specs?limit=2&cursor=${first.next}`, headers: user })).json();
    expect(second).toEqual({ specs: [{ name: 'c-app', submittedAt: expect.any(String), resources: ['db'] }] });
    const bad = await app.inject({ method: 'GET', url: '/api/specs?cursor=bm9wZQ', headers: user });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toEqual({
      code: 'CURSOR_INVALID',
      message: 'is not a cursor of this list; pass the `next` of the previous page unchanged',
      issues: [{ field: 'query.cursor', message: 'is not a cursor of this list; pass the `next` of the previous page unchanged' }],
    });
  });

  it('answers 409 when another request created the same resource at the same moment', async () => {
    env.patchTransactions((tx) => ({
      submit: async (r) => {
        await tx.submit(r); // the other replica's request wins the race
        return tx.submit(r);
      },
    }));
    const res = await submit();
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toEqual({
      code: 'RESOURCE_CONFLICT',
      message: "resource 'db' of application 'my-app' was just created by another request; submit the spec again",
    });
  });

  it('accepts JSON bodies', async () => {
    const json = { apiVersion: 'score.dev/v1b1', metadata: { name: 'j-app' }, containers: { main: { image: 'x' } }, resources: { db: { type: 'postgresql' } } };
    const res = await app.inject({ method: 'POST', url: '/api/specs', headers: user, payload: json });
    expect(res.statusCode).toBe(202);
    expect(res.json().changes[0]).toMatchObject({ action: 'create', name: 'db', type: 'postgresql' });
  });

  it('updates changed params, and deletes removed resources only when told to', async () => {
    const id = (await submit()).json().changes[0].id;
    const early = await submit(SPEC.replace('size: small', 'size: medium'));
    expect(early.statusCode).toBe(409);
    expect(early.json().error).toEqual({ code: 'RESOURCE_CONFLICT', message: "resource 'db' is requested with a create pending; try again when it is done" });
    await activate(id);
    const updated = await submit(SPEC.replace('size: small', 'size: medium'));
    expect(updated.json().changes).toEqual([{ action: 'update', name: 'db', type: 'postgres', reason: 'params changed: size', id, state: 'active' }]);
    expect((await env.store.getResource(id))!.pendingOperation).toBe('update');
    expect((await submit(SPEC.replace('size: small', 'size: medium'))).json()).toEqual({
      application: 'my-app',
      changes: [],
      unchanged: ['db'],
      failed: [],
      waiting: [],
      warnings: [],
    });
    const cleared = await env.store.patchResource(id, {}, { pendingOperation: null });
    expect(cleared?.pendingOperation).toBeUndefined();
    const without = SPEC.split('resources:')[0]!.replace(/\n {6}DATABASE_URL.*\n {6}DB_HOST.*/, '\n      A: b');
    const refused = await submit(without);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toEqual({
      code: 'SPEC_PRUNE_REQUIRED',
      message:
        "this spec would delete a resource of application 'my-app' with its data: 'db' (postgres): no longer in the spec. Submit again with ?prune=true to confirm, or ?dryRun=true to see the whole plan",
    });
    expect((await env.store.getResource(id))!.pendingOperation).toBeUndefined();
    const removed = await app.inject({ method: 'POST', url: '/api/specs?prune=true', headers: yaml, payload: without });
    expect(removed.json().changes).toEqual([{ action: 'delete', name: 'db', type: 'postgres', reason: 'no longer in the spec', id, state: 'active' }]);
  });

  it('refuses a spec that alias expansion would make many times larger, storing nothing', async () => {
    // 480 KB of text aliased 99 times: under the text limit and the alias cap, 46 MB expanded.
    const copies = Array.from({ length: 99 }, (_, i) => `      C${i}: *big`).join('\n');
    const bomb = `apiVersion: score.dev/v1b1\nmetadata:\n  name: bomb\ncontainers:\n  main:\n    image: x\n    env:\n      BIG: &big "${'x'.repeat(480 * 1024)}"\n${copies}\n`;
    env = fakeServices(1024 * 1024);
    await app.close();
    app = createServer(env.services);
    const res = await submit(bomb);
    expect(res.statusCode).toBe(422);
    // The value and its first copy are 983,040 bytes; the second copy (line 10) crosses 1 MiB.
    expect(res.json().error).toEqual({
      code: 'SCORE_INVALID',
      message: 'Score spec is too large after alias expansion',
      issues: [
        {
          field: '(document)',
          message: 'document expands to more than 1048576 bytes of text after alias expansion (at alias *big); the limit is 1048576',
          line: 10,
          col: 11,
        },
      ],
    });
    expect((await app.inject({ method: 'GET', url: '/api/specs', headers: user })).json()).toEqual({ specs: [] });
    expect(await env.store.listResources({ limit: 10 })).toEqual([]);
  });

  it('rejects bad specs with 422 naming what is wrong', async () => {
    const notYaml = await submit('apiVersion: [oops\n');
    expect(notYaml.statusCode).toBe(422);
    expect(notYaml.json().error.code).toBe('SCORE_INVALID');
    expect(notYaml.json().error.issues[0]).toMatchObject({ field: '(document)', line: 2 });

    const noName = await submit(SPEC.replace('  name: my-app\n', '  labels: {}\n'));
    expect(noName.json().error).toEqual({
      code: 'SCORE_INVALID',
      message: 'Score spec is invalid: metadata.name is required',
      issues: [{ field: 'metadata.name', message: 'is required', line: 3, col: 3 }],
    });

    const unserved = await submit(SPEC.replace('type: postgres', 'type: mongodb'));
    expect(unserved.statusCode).toBe(422);
    expect(unserved.json().error).toEqual({
      code: 'SCORE_TYPE_UNSERVED',
      message: "no provider serves resource type 'mongodb'",
      issues: [{ field: 'resources.db.type', message: "no provider serves resource type 'mongodb'; served types: postgres, postgresql", line: 12, col: 11 }],
    });

    const placeholder = await submit(SPEC.replace('${resources.db.host}', '${resources.db.hostname}'));
    expect(placeholder.json().error.code).toBe('PLACEHOLDER_UNKNOWN');
    expect(placeholder.json().error.issues[0].message).toBe(
      "unknown placeholder '${resources.db.hostname}': resource 'db' (type postgres) has no output 'hostname'; it has: host, port, password, connection_string",
    );
    expect(await env.store.listResources()).toEqual([]);
  });

  it('answers 413 with JSON for a body over the limit', async () => {
    const res = await submit(`${SPEC}# ${'x'.repeat(70 * 1024)}\n`);
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ error: { code: 'BODY_TOO_LARGE', message: 'request body is larger than the limit of 65536 bytes' } });
  });

  it('answers a body it cannot read with its own codes, saying where the JSON breaks', async () => {
    const post = (body: string, contentType: string) =>
      app.inject({ method: 'POST', url: '/api/specs', headers: { ...user, 'content-type': contentType }, payload: body });
    const cut = await post('{"apiVersion": ', 'application/json');
    expect(cut.statusCode).toBe(400);
    expect(cut.json()).toEqual({
      error: {
        code: 'BODY_INVALID',
        message: 'request body is not valid JSON (content-type is application/json): unexpected end of input at line 1, column 16',
        issues: [{ field: '(body)', message: 'is not valid JSON: unexpected end of input', line: 1, col: 16 }],
      },
    });
    const unquoted = await post('{\n  "apiVersion": "score.dev/v1b1",\n  "metadata": {name: "x"}\n}', 'application/json; charset=utf-8');
    expect(unquoted.statusCode).toBe(400);
    expect(unquoted.json().error.message).toBe(
      "request body is not valid JSON (content-type is application/json): expected property name or '}' at line 3, column 16",
    );
    // V8 quotes the body in this message; the answer does not.
    const bare = await post('{"token": SECRETVALUE-123}', 'application/json');
    expect(bare.json()).toEqual({
      error: {
        code: 'BODY_INVALID',
        message: "request body is not valid JSON (content-type is application/json): unexpected token 'S'",
        issues: [{ field: '(body)', message: "is not valid JSON: unexpected token 'S'" }],
      },
    });
    const empty = await post('', 'application/json');
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toEqual({
      error: {
        code: 'BODY_INVALID',
        message: 'request body is empty, but content-type is application/json',
        issues: [{ field: '(body)', message: 'is empty' }],
      },
    });
    const poisoned = await post('{"__proto__": {"admin": true}}', 'application/json');
    expect(poisoned.statusCode).toBe(400);
    expect(poisoned.json().error.message).toBe("request body is refused: it holds a '__proto__' or 'constructor.prototype' key");
    const short = await app.inject({ method: 'POST', url: '/api/specs', headers: { ...yaml, 'content-length': '200' }, payload: 'a: 1' });
    expect(short.statusCode).toBe(400);
    expect(short.json()).toEqual({
      error: {
        code: 'BODY_INVALID',
        message: 'request body is not as long as its content-length header says',
        issues: [{ field: '(body)', message: 'does not match content-length' }],
      },
    });
    const xml = await post('<score/>', 'application/xml');
    expect(xml.statusCode).toBe(415);
    expect(xml.json()).toEqual({
      error: {
        code: 'BODY_UNSUPPORTED_TYPE',
        message: "content-type 'application/xml' is not accepted; send YAML (application/yaml or text/plain) or JSON (application/json)",
      },
    });
    expect(await env.store.listResources()).toEqual([]);
  });
});

describe('resources and resolution', () => {
  it('shows outputs redacted, the history, and resolves placeholders as secret references', async () => {
    const id = (await submit()).json().changes[0].id;
    const pending = await app.inject({ method: 'GET', url: '/api/specs/my-app/resolved', headers: user });
    expect(pending.statusCode).toBe(409);
    expect(pending.json().error.code).toBe('PLACEHOLDER_NOT_READY');
    await activate(id);

    const detail = await app.inject({ method: 'GET', url: `/api/resources/${id}`, headers: user });
    expect(detail.json()).toMatchObject({
      id,
      application: 'my-app',
      name: 'db',
      type: 'postgres',
      state: 'active',
      outputs: { host: 'my-app-db.my-app.svc.cluster.local', port: 5432, password: '***', connection_string: '***' },
    });
    expect(detail.json().history.map((h: { to: string }) => h.to)).toEqual(['requested', 'provisioning', 'active']);

    const resolved = await app.inject({ method: 'GET', url: '/api/specs/my-app/resolved', headers: user });
    expect(resolved.json().containers.main.variables).toEqual({
      DATABASE_URL: `secret://${id}/connection_string`,
      DB_HOST: 'my-app-db.my-app.svc.cluster.local',
    });
    const revealed = await app.inject({ method: 'GET', url: '/api/specs/my-app/resolved?reveal=true', headers: admin });
    expect(revealed.json().containers.main.variables.DATABASE_URL).toBe(`postgresql://app:${PASSWORD}@h/db`);
    expect(revealed.headers['cache-control']).toBe('no-store');

    const list = await app.inject({ method: 'GET', url: '/api/resources?application=my-app&type=postgres&state=active', headers: user });
    expect(list.json().resources.map((r: { id: string }) => r.id)).toEqual([id]);
    expect((await app.inject({ method: 'GET', url: '/api/resources?type=s3', headers: user })).json()).toEqual({ resources: [] });
    const badState = await app.inject({ method: 'GET', url: '/api/resources?state=sleeping', headers: user });
    expect(badState.statusCode).toBe(400);
    expect(badState.json().error.issues).toEqual([
      { field: 'query.state', message: 'must be one of requested, provisioning, active, updating, terminating, terminated, failed' },
    ]);

    for (const url of ['/api/resources', `/api/resources/${id}`, '/api/specs/my-app', '/api/specs/my-app/resolved']) {
      const body = (await app.inject({ method: 'GET', url, headers: admin })).body;
      expect(body).not.toContain(PASSWORD);
    }
    expect(env.logs.join('')).not.toContain(PASSWORD);
    expect(env.logs.join('')).not.toContain(USER_TOKEN);
  });

  it('retries a failed resource and answers 404 for unknown ids', async () => {
    const id = (await submit()).json().changes[0].id;
    await env.move(id, 'requested', 'provisioning');
    await env.move(id, 'provisioning', 'failed', { error: { code: 'STEP_FAILED', message: 'CreateFailed' } });
    const retried = await app.inject({ method: 'POST', url: `/api/resources/${id}/retry`, headers: user });
    expect(retried.statusCode).toBe(202);
    expect(retried.json()).toMatchObject({ id, state: 'provisioning', pendingOperation: 'create', attempts: 0 });
    const missing = await app.inject({ method: 'GET', url: '/api/resources/nope', headers: user });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: { code: 'RESOURCE_NOT_FOUND', message: "no resource with id 'nope'" } });
    expect((await app.inject({ method: 'GET', url: '/api/nothing', headers: user })).json()).toEqual({
      error: { code: 'NOT_FOUND', message: 'no route GET /api/nothing' },
    });
  });

  it('deletes a spec: every resource, then the spec', async () => {
    const id = (await submit()).json().changes[0].id;
    await activate(id);
    const res = await app.inject({ method: 'DELETE', url: '/api/specs/my-app', headers: user });
    expect(res.statusCode).toBe(202);
    expect(res.json().changes).toEqual([{ action: 'delete', name: 'db', type: 'postgres', reason: 'the spec was deleted', id, state: 'active' }]);
    expect((await app.inject({ method: 'GET', url: '/api/specs/my-app', headers: user })).statusCode).toBe(404);
    expect((await app.inject({ method: 'DELETE', url: '/api/specs/other', headers: user })).statusCode).toBe(404);
  });
});

describe('providers, metrics, events', () => {
  it('lists providers with status, diagnostics, capabilities and workflows', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/providers', headers: user });
    const [db, broken] = res.json().providers;
    expect(db).toMatchObject({
      name: 'database-team',
      status: 'registered',
      version: '1.0.0',
      resourceTypes: ['postgres', 'postgresql'],
      capabilities: [
        { type: 'postgres', classes: ['default', 'large'], operations: { create: 'provision', update: 'update', delete: 'delete' } },
        { type: 'postgresql', aliasFor: 'postgres', operations: {} },
      ],
    });
    expect(db.workflows.map((w: { name: string }) => w.name)).toEqual(['provision', 'update', 'delete']);
    expect(broken).toEqual({
      name: 'broken',
      enabled: true,
      status: 'failed',
      source: { type: 'filesystem', path: '/p/broken' },
      diagnostics: [{ severity: 'error', code: 'WORKFLOW_SCHEMA', message: 'bad', file: 'provider.yaml', line: 3, col: 1 }],
    });
  });

  it('serves Prometheus metrics with queue depth and detection latency', async () => {
    const id = (await submit()).json().changes[0].id;
    let text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toContain('innominatus_queue_depth 1');
    await activate(id);
    text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toContain('innominatus_queue_depth 0');
    expect(text).toContain('innominatus_detection_latency_seconds_count 1');
    expect(text).toContain('innominatus_runs_total{outcome="succeeded"} 1');
  });

  it('streams resource events as server-sent events', async () => {
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const controller = new AbortController();
    const res = await fetch(`${address}/api/events?application=my-app`, { headers: user, signal: controller.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = res.body!.getReader();
    const id = (await submit()).json().changes[0].id;
    await activate(id);
    let text = '';
    while (!text.includes('"to":"active"')) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    const events = text
      .split('\n\n')
      .filter((b) => b.includes('data: '))
      .map((b) => JSON.parse(b.split('data: ')[1]!));
    expect(events.map((e) => [e.kind, e.to])).toEqual([
      ['resource', 'provisioning'],
      ['resource', 'active'],
    ]);
    expect(text).not.toContain(PASSWORD);
  });

  it('refuses event streams beyond the limit with 503', async () => {
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const controller = new AbortController();
    const streams = await Promise.all(
      Array.from({ length: MAX_EVENT_STREAMS }, () => fetch(`${address}/api/events`, { headers: user, signal: controller.signal })),
    );
    expect(streams.every((r) => r.status === 200)).toBe(true);
    const refused = await fetch(`${address}/api/events`, { headers: user });
    expect(refused.status).toBe(503);
    expect(await refused.json()).toEqual({ error: { code: 'TOO_MANY_STREAMS', message: `${MAX_EVENT_STREAMS} event streams are open; try again later` } });
    controller.abort();
  });
});
