import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, USER_TOKEN, call, startHost, type E2eHost } from './support/e2e-host';

const SPEC = `apiVersion: score.dev/v1b1
metadata:
  name: err-app
containers:
  main:
    image: app:1
    variables:
      URL: \${resources.db.connection_string}
resources:
  db:
    type: postgres
`;

describe('the reference host over HTTP: authentication, limits and bad Score specs', () => {
  let e2e: E2eHost;
  beforeAll(async () => {
    e2e = await startHost({ bodyLimit: '16KiB' });
  });
  afterAll(() => e2e?.close());

  it('answers 401 with a JSON body without a token or with a wrong one', async () => {
    const none = await call(e2e.url, 'GET', '/api/resources', { token: null });
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toMatch(/^application\/json/);
    expect(none.json).toEqual({ error: { code: 'UNAUTHENTICATED', message: 'missing bearer token: send "Authorization: Bearer <token>"' } });
    const wrong = await call(e2e.url, 'POST', '/api/specs', { token: `${USER_TOKEN}x`, body: SPEC });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error.code).toBe('UNAUTHENTICATED');
  });

  it('answers 403 with a JSON body when a user asks to reveal secrets, and lets an admin', async () => {
    const user = await call(e2e.url, 'GET', '/api/specs/err-app/resolved?reveal=true');
    expect(user.status).toBe(403);
    expect(user.json).toEqual({
      error: { code: 'FORBIDDEN', message: "revealing sensitive values (?reveal=true) needs the admin role; token 'e2e-user' has role 'user'" },
    });
    const admin = await call(e2e.url, 'GET', '/api/specs/err-app/resolved?reveal=true', { token: ADMIN_TOKEN });
    expect(admin.status).toBe(404);
    expect(admin.json).toEqual({ error: { code: 'SPEC_NOT_FOUND', message: "no spec named 'err-app'" } });
  });

  it('answers 413 with a JSON body over the body limit', async () => {
    const res = await call(e2e.url, 'POST', '/api/specs', { body: `${SPEC}# ${'x'.repeat(20_000)}\n` });
    expect(res.status).toBe(413);
    expect(res.json).toEqual({ error: { code: 'BODY_TOO_LARGE', message: 'request body is larger than the limit of 16384 bytes' } });
  });

  it('rejects a body that is not YAML', async () => {
    const res = await call(e2e.url, 'POST', '/api/specs', { body: 'apiVersion: score.dev/v1b1\nmetadata: {name: x\n' });
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe('SCORE_INVALID');
    expect(res.json.error.message).toBe('Score spec is not valid YAML');
    expect(res.json.error.issues[0].line).toBeGreaterThanOrEqual(2);
    const json = await call(e2e.url, 'POST', '/api/specs', { body: '{"apiVersion": ', contentType: 'application/json' });
    expect(json.status).toBe(400);
    expect(json.json.error).toEqual({
      code: 'BODY_INVALID',
      message: 'request body is not valid JSON (content-type is application/json): unexpected end of input at line 1, column 16',
      issues: [{ field: '(body)', message: 'is not valid JSON: unexpected end of input', line: 1, col: 16 }],
    });
  });

  it('rejects a spec without metadata.name, naming the field and its line', async () => {
    const res = await call(e2e.url, 'POST', '/api/specs', { body: SPEC.replace('  name: err-app\n', '  annotations: {}\n') });
    expect(res.status).toBe(422);
    expect(res.json.error).toEqual({
      code: 'SCORE_INVALID',
      message: 'Score spec is invalid: metadata.name is required',
      issues: [{ field: 'metadata.name', message: 'is required', line: 3, col: 3 }],
    });
  });

  it('rejects a resource type no provider serves with 422 naming it', async () => {
    const res = await call(e2e.url, 'POST', '/api/specs', { body: SPEC.replace('type: postgres', 'type: cassandra') });
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe('SCORE_TYPE_UNSERVED');
    expect(res.json.error.message).toBe("no provider serves resource type 'cassandra'");
    expect(res.json.error.issues[0]).toMatchObject({ field: 'resources.db.type', line: 11, col: 11 });
  });

  it('rejects an unknown placeholder, naming it and where it is', async () => {
    const res = await call(e2e.url, 'POST', '/api/specs', { body: SPEC.replace('${resources.db.connection_string}', '${resources.cache.url}') });
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe('PLACEHOLDER_UNKNOWN');
    expect(res.json.error.issues).toEqual([
      {
        field: 'containers.main.variables.URL',
        message: "unknown placeholder '${resources.cache.url}': the workload declares no resource 'cache'",
        line: 8,
        col: 12,
      },
    ]);
    expect((await call(e2e.url, 'GET', '/api/resources')).json).toEqual({ resources: [] });
  });

  it('rejects params and names the database-team workflows refuse, before anything is stored or run', async () => {
    const badSize = await call(e2e.url, 'POST', '/api/specs', { body: `${SPEC}    params:\n      size: huge\n` });
    expect(badSize.status).toBe(422);
    expect(badSize.json.error.code).toBe('SCORE_PROPERTIES_INVALID');
    expect(badSize.json.error.issues).toEqual([
      {
        field: 'resources.db.params.size',
        line: 13,
        col: 13,
        message: `parameter 'size' must be one of "small", "medium", "large" (got "huge") (create workflow 'provision-postgres' of provider 'database-team')`,
      },
    ]);
    const longApp = 'an-application-name-of-30-char';
    const longNames = await call(e2e.url, 'POST', '/api/specs', {
      body: SPEC.replace('name: err-app', `name: ${longApp}`)
        .replace('  db:', `  ${'d'.repeat(34)}:`)
        .replace('resources.db.', `resources.${'d'.repeat(34)}.`),
    });
    expect(longNames.status).toBe(422);
    expect(longNames.json.error.issues.map((i: { field: string; message: string }) => [i.field, i.message.split(' (got')[0]])).toEqual([
      [`resources.${'d'.repeat(34)}`, "parameter 'db_name' must NOT have more than 33 characters"],
      ['metadata.name', "parameter 'team_id' must NOT have more than 24 characters"],
    ]);
    expect((await call(e2e.url, 'GET', '/api/resources')).json).toEqual({ resources: [] });
    expect((await call(e2e.url, 'GET', '/api/specs')).json).toEqual({ specs: [] });
  });

  it('answers bad query parameters and unknown routes with JSON errors', async () => {
    const bad = await call(e2e.url, 'GET', '/api/resources?limit=0');
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('REQUEST_INVALID');
    expect(bad.json.error.issues).toEqual([{ field: 'query.limit', message: 'must be >= 1' }]);
    const missing = await call(e2e.url, 'GET', '/api/nope');
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ error: { code: 'NOT_FOUND', message: 'no route GET /api/nope' } });
  });
});
