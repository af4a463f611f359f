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

  it('describes the answers of the operator routes as they are sent', async () => {
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
    const calls: [string, string, string][] = [
      ['GET', '/api/applications', '/api/applications'],
      ['GET', '/api/workflows', '/api/workflows'],
      ['GET', `/api/workflows/${runId}`, '/api/workflows/{id}'],
      ['GET', `/api/resources/${id}/runs`, '/api/resources/{id}/runs'],
      ['GET', '/api/graph/my-app', '/api/graph/{app}'],
      ['GET', '/api/graph/my-app?format=mermaid', '/api/graph/{app}'],
      ['GET', '/api/graph/my-app?format=dot', '/api/graph/{app}'],
      ['GET', '/ready', '/ready'],
      ['GET', '/api/whoami', '/api/whoami'],
      ['GET', `/api/resources/${id}/outputs`, '/api/resources/{id}/outputs'],
    ];
    const problems: string[] = [];
    for (const [method, url, route] of calls) {
      const res = await app.inject({ method: method as 'GET', url, headers: user });
      expect([url, res.statusCode]).toEqual([url, 200]);
      problems.push(...openApiProblems(doc, method, route, res));
    }
    expect(problems).toEqual([]);
  });

  it('finds an answer that does not match its schema', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const res = await app.inject({ method: 'GET', url: '/ready' });
    const tampered = { ...res, json: () => ({ status: 'maybe', checks: {} }) } as typeof res;
    expect(openApiProblems(doc, 'GET', '/ready', tampered)).toEqual(['GET /ready 200: /status must be equal to one of the allowed values']);
    expect(openApiProblems(doc, 'DELETE', '/ready', res)).toEqual(['DELETE /ready is not in the document']);
  });
});
