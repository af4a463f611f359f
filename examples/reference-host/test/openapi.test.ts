import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { runIdFor } from '@innominatus/core';
import { createServer } from '../src/http/server';
import { USER_TOKEN, fakeServices } from './fake-services';
import { openApiProblems } from './support/openapi-check';

const SPEC = 'apiVersion: score.dev/v1b1\nmetadata:\n  name: my-app\ncontainers:\n  main:\n    image: myapp:latest\nresources:\n  db:\n    type: postgres\n';
const user = { authorization: `Bearer ${USER_TOKEN}` };

let env: ReturnType<typeof fakeServices>;
let app: FastifyInstance;

beforeEach(async () => {
  env = fakeServices();
  app = createServer(env.services);
  await app.ready();
});
afterEach(() => app.close());

describe('GET /openapi.json', () => {
  it('documents every route, with bearer auth on /api routes, and no auth needed to read it', async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'innominatus reference host', version: '1.0.0' });
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/applications',
      '/api/events',
      '/api/graph/{app}',
      '/api/providers',
      '/api/resources',
      '/api/resources/{id}',
      '/api/resources/{id}/outputs',
      '/api/resources/{id}/retry',
      '/api/resources/{id}/runs',
      '/api/specs',
      '/api/specs/{name}',
      '/api/specs/{name}/resolved',
      '/api/whoami',
      '/api/workflows',
      '/api/workflows/{id}',
      '/healthz',
      '/metrics',
      '/ready',
    ]);
    expect(doc.paths['/api/workflows'].get.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/ready'].get.security).toBeUndefined();
    expect(doc.components.securitySchemes).toEqual({ bearer: { type: 'http', scheme: 'bearer' } });
    expect(doc.paths['/api/graph/{app}'].get.parameters).toEqual(
      expect.arrayContaining([
        { schema: { enum: ['json', 'mermaid', 'dot'], default: 'json' }, in: 'query', name: 'format', required: false },
        { schema: { type: 'string', pattern: '^[a-z]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 }, in: 'path', name: 'app', required: true },
      ]),
    );
  });

  it('describes the answer of every route as it is sent, and every route is called here', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const created = await app.inject({ method: 'POST', url: '/api/specs', headers: { ...user, 'content-type': 'application/yaml' }, payload: SPEC });
    const id = created.json().changes[0].id as string;
    const runId = runIdFor(id, 'create', 1);
    await env.move(id, 'requested', 'provisioning', { runId });
    await env.store.createRun({
      runId,
      workflow: {
        apiVersion: 'innominatus.io/v1',
        kind: 'Workflow',
        metadata: { name: 'provision' },
        steps: [{ name: 'a', type: 'kubernetes-apply' }],
      } as never,
      parameters: {},
      context: {},
      status: 'running',
      attempt: 1,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    await env.store.putStep({
      runId,
      index: 0,
      name: 'a',
      type: 'kubernetes-apply',
      status: 'succeeded',
      attempt: 1,
      startedAt: '2026-01-01T00:00:00.000Z',
      endedAt: '2026-01-01T00:00:01.000Z',
    });
    const failing = await app.inject({
      method: 'POST',
      url: '/api/specs',
      headers: { ...user, 'content-type': 'application/yaml' },
      payload: SPEC.replace('name: my-app', 'name: other-app'),
    });
    const failedId = failing.json().changes[0].id as string;
    await env.move(failedId, 'requested', 'provisioning');
    await env.move(failedId, 'provisioning', 'failed', { error: { code: 'STEP_FAILED', message: 'the cluster did not come up' } });
    const gone = await app.inject({
      method: 'POST',
      url: '/api/specs',
      headers: { ...user, 'content-type': 'application/yaml' },
      payload: SPEC.replace('name: my-app', 'name: gone-app'),
    });
    const goneId = gone.json().changes[0].id as string;
    await env.activate(goneId);
    const yaml = { 'content-type': 'application/yaml' };
    const calls: [string, string, string, number, Record<string, string>?, string?][] = [
      ['POST', '/api/specs?dryRun=true', '/api/specs', 200, yaml, SPEC.replace('name: my-app', 'name: new-app')],
      ['POST', '/api/specs', '/api/specs', 202, yaml, SPEC.replace('name: my-app', 'name: new-app')],
      ['GET', '/api/specs', '/api/specs', 200],
      ['GET', '/api/specs/my-app', '/api/specs/{name}', 200],
      ['GET', '/api/specs/my-app/resolved', '/api/specs/{name}/resolved', 200],
      ['GET', '/api/resources', '/api/resources', 200],
      ['GET', `/api/resources/${id}`, '/api/resources/{id}', 200],
      ['POST', `/api/resources/${failedId}/retry`, '/api/resources/{id}/retry', 202],
      ['GET', '/api/providers', '/api/providers', 200],
      ['GET', '/healthz', '/healthz', 200],
      ['GET', '/metrics', '/metrics', 200],
      ['DELETE', '/api/specs/gone-app?dryRun=true', '/api/specs/{name}', 200],
      ['DELETE', '/api/specs/gone-app', '/api/specs/{name}', 202],
      ['GET', '/api/applications', '/api/applications', 200],
      ['GET', '/api/workflows', '/api/workflows', 200],
      ['GET', `/api/workflows/${runId}`, '/api/workflows/{id}', 200],
      ['GET', `/api/resources/${id}/runs`, '/api/resources/{id}/runs', 200],
      ['GET', '/api/graph/my-app', '/api/graph/{app}', 200],
      ['GET', '/api/graph/my-app?format=mermaid', '/api/graph/{app}', 200],
      ['GET', '/api/graph/my-app?format=dot', '/api/graph/{app}', 200],
      ['GET', '/ready', '/ready', 200],
      ['GET', '/api/whoami', '/api/whoami', 200],
      ['GET', `/api/resources/${id}/outputs`, '/api/resources/{id}/outputs', 200],
    ];
    const problems: string[] = [];
    const called = new Set<string>();
    for (const [method, url, route, status, headers, payload] of calls) {
      const res = await app.inject({ method: method as 'GET', url, headers: { ...user, ...headers }, ...(payload ? { payload } : {}) });
      expect([method, url, res.statusCode]).toEqual([method, url, status]);
      problems.push(...openApiProblems(doc, method, route, res));
      called.add(`${method} ${route}`);
    }
    // The event stream never ends: its head and first bytes are what is checked.
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const controller = new AbortController();
    const stream = await fetch(`${address}/api/events`, { headers: user, signal: controller.signal });
    const first = new TextDecoder().decode((await stream.body!.getReader().read()).value);
    controller.abort();
    const streamed = { statusCode: stream.status, headers: { 'content-type': stream.headers.get('content-type') }, body: first } as never;
    problems.push(...openApiProblems(doc, 'GET', '/api/events', streamed));
    called.add('GET /api/events');
    expect(problems).toEqual([]);
    // Every documented route was called above, so none goes unchecked.
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect([...called].sort()).toEqual(documented.sort());
  });

  it('finds an answer that does not match its schema', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const res = await app.inject({ method: 'GET', url: '/ready' });
    const tampered = { ...res, json: () => ({ status: 'maybe', checks: {} }) } as typeof res;
    expect(openApiProblems(doc, 'GET', '/ready', tampered)).toEqual(['GET /ready 200: /status must be equal to one of the allowed values']);
    expect(openApiProblems(doc, 'DELETE', '/ready', res)).toEqual(['DELETE /ready is not in the document']);
  });
});
