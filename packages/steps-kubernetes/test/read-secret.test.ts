import { afterEach, describe, expect, it } from 'vitest';
import { isSensitive, reveal, stepOutputSchema } from '@innominatus/core';
import { KubernetesClient, readSecret } from '@innominatus/steps-kubernetes';
import { zalandoPostgresOperator, type MockCluster } from '@innominatus/steps-kubernetes/testing';
import { context, harness, rejection, until } from './harness';
import { SERVE_MODES } from './serve-modes';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const secret = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'db', namespace: 'apps' },
  type: 'Opaque',
  data: { username: b64('myapp_app'), password: b64('s3cr3t-Value'), host: b64('db.apps') },
};

describe.each(SERVE_MODES)('read-secret through %s', (mode) => {
  let cluster: MockCluster;
  let client: KubernetesClient;
  afterEach(async () => cluster.close());

  it('decodes the requested keys into sensitive values and reports only key names', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    cluster.apply(secret);
    const ctx = context();
    const out = await readSecret({ client }).run({ name: 'db', namespace: 'apps', keys: ['username', 'password'] }, ctx);
    expect(out.keys).toEqual(['username', 'password']);
    expect(Object.keys(out.data)).toEqual(['username', 'password']);
    expect(Object.values(out.data).every(isSensitive)).toBe(true);
    expect(reveal(out.data.username)).toBe('myapp_app');
    expect(reveal(out.data.password)).toBe('s3cr3t-Value');
    expect(JSON.stringify(out)).not.toContain('s3cr3t');
    expect(JSON.stringify([ctx.progressUpdates, ctx.logs])).not.toMatch(/s3cr3t|czNjcjN0/);
    expect(ctx.progressUpdates.map((p) => p.message)).toEqual(['read 2 key(s) of Secret apps/db: username, password']);
  });

  it('outputs the plain keys as plain strings and the others as sensitive values', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    cluster.apply(secret);
    const out = await readSecret({ client }).run({ name: 'db', namespace: 'apps', keys: ['username', 'password'], plain: ['username'] }, context());
    expect(out.data.username).toBe('myapp_app');
    expect(isSensitive(out.data.password)).toBe(true);
    expect(JSON.stringify(out.data)).toBe('{"username":"myapp_app","password":"***"}');
  });

  it('refuses a plain key that is not read, naming it and the keys read', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    cluster.apply(secret);
    const err = await rejection(readSecret({ client }).run({ name: 'db', namespace: 'apps', keys: ['password'], plain: ['user'] }, context()));
    expect(err.kubernetesCode).toBe('K8S_INPUT_INVALID');
    expect(err.message).toBe("plain names key(s) not read: 'user' (keys read: password)");
  });

  it('reads every key when none are named', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    cluster.apply(secret);
    const out = await readSecret({ client }).run({ name: 'db', namespace: 'apps' }, context());
    expect(out.keys).toEqual(['host', 'password', 'username']);
    expect(reveal(out.data.host)).toBe('db.apps');
  });

  it('fails on a missing key listing the keys present and no value', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    cluster.apply(secret);
    const err = await rejection(readSecret({ client }).run({ name: 'db', namespace: 'apps', keys: ['password', 'port'] }, context()));
    expect(err.kubernetesCode).toBe('K8S_SECRET_KEY_MISSING');
    expect(err.message).toBe("Secret apps/db has no key 'port' (keys present: host, password, username)");
    expect(JSON.stringify(err)).not.toMatch(/s3cr3t|czNjcjN0/);
  });

  it('reads a Secret applied with stringData, which the API stores base64-encoded in data', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    cluster.apply({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'plain', namespace: 'apps' },
      data: { a: b64('1') },
      stringData: { url: 'postgres://u:p@h/db' },
    });
    expect(cluster.get({ apiVersion: 'v1', kind: 'Secret', name: 'plain', namespace: 'apps' })).toMatchObject({
      data: { a: b64('1'), url: b64('postgres://u:p@h/db') },
    });
    expect(cluster.get({ apiVersion: 'v1', kind: 'Secret', name: 'plain', namespace: 'apps' })?.stringData).toBeUndefined();
    const out = await readSecret({ client }).run({ name: 'plain', namespace: 'apps', keys: ['url'] }, context());
    expect(reveal(out.data.url)).toBe('postgres://u:p@h/db');
  });

  it('fails on a missing Secret without wait', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    const err = await rejection(readSecret({ client }).run({ name: 'nope', namespace: 'apps' }, context()));
    expect(err.kubernetesCode).toBe('K8S_SECRET_NOT_FOUND');
    expect(err.message).toBe('Secret apps/nope not found (set wait: true to wait for it)');
  });

  it('waits for the operator to create the credentials Secret', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    zalandoPostgresOperator(cluster, { pickupDelayMs: 50 });
    const name = 'myapp-app.team-myapp-db.credentials.postgresql.acid.zalan.do';
    const reading = readSecret({ client }).run({ name, namespace: 'apps', keys: ['username', 'password'], wait: true, timeout: '5s' }, context());
    // The cluster is made once the step watches, so the Secret cannot exist at its first get (on a loaded machine it could).
    await until(() => cluster.requests.some((r) => r.verb === 'watch' && r.path === '/api/v1/namespaces/apps/secrets'), 10_000);
    cluster.apply({
      apiVersion: 'acid.zalan.do/v1',
      kind: 'postgresql',
      metadata: { name: 'team-myapp-db', namespace: 'apps' },
      spec: { teamId: 'team', numberOfInstances: 1, postgresql: { version: '17' }, volume: { size: '1Gi' }, users: { myapp_app: [] } },
    });
    const out = await reading;
    expect(reveal(out.data.username)).toBe('myapp_app');
    expect(reveal(out.data.password)).toMatch(/^[a-zA-Z0-9]{64}$/);
    // One Secret by name: a get, then a watch of that name alone; never a list of the namespace's Secrets.
    const secretRequests = cluster.requests.filter((r) => r.path.startsWith('/api/v1/namespaces/apps/secrets'));
    expect(secretRequests.map((r) => [r.verb, r.path, r.query.fieldSelector])).toEqual([
      ['get', `/api/v1/namespaces/apps/secrets/${name}`, undefined],
      ['watch', '/api/v1/namespaces/apps/secrets', `metadata.name=${name}`],
    ]);
    expect(cluster.countRequests({ verb: 'list' })).toBe(0);
  });

  it('waits by name across a dropped watch and 410s, still without listing', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    cluster.faults.dropWatchAfter({ events: 0, times: 1 }).goneOnWatch({ times: 2 });
    const reading = readSecret({ client }).run({ name: 'db', namespace: 'apps', keys: ['host'], wait: true, timeout: '5s' }, context());
    await until(() => cluster.countRequests({ verb: 'watch' }) === 3);
    cluster.apply(secret);
    expect(reveal((await reading).data.host)).toBe('db.apps');
    expect(cluster.requests.map((r) => r.verb).filter((v) => v !== 'discovery')).toEqual(['get', 'watch', 'get', 'watch', 'get', 'watch']);
  });

  it('sees no other Secret of the namespace while it waits', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    cluster.apply({ ...secret, metadata: { name: 'postgres.superuser', namespace: 'apps' } });
    const reading = readSecret({ client }).run({ name: 'db', namespace: 'apps', wait: true, timeout: '5s' }, context());
    await until(() => cluster.countRequests({ verb: 'watch' }) === 1);
    cluster.apply({ ...secret, metadata: { name: 'other', namespace: 'apps' } });
    cluster.apply(secret);
    await reading;
    const watched = cluster.requests.filter((r) => r.verb === 'watch' || r.verb === 'get');
    expect(watched.every((r) => r.path.endsWith('/secrets/db') || r.query.fieldSelector === 'metadata.name=db')).toBe(true);
  });

  it("uses the namespace's shared list + watch only when asked to (secretWatch: 'namespace')", async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    const reading = readSecret({ client, secretWatch: 'namespace' }).run({ name: 'db', namespace: 'apps', wait: true, timeout: '5s' }, context());
    await until(() => cluster.countRequests({ verb: 'watch' }) === 1);
    cluster.apply(secret);
    await reading;
    expect(cluster.countRequests({ verb: 'list', path: '/api/v1/namespaces/apps/secrets' })).toBe(1);
  });

  it('gives up waiting after the timeout', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    const err = await rejection(readSecret({ client }).run({ name: 'late', namespace: 'apps', wait: true, timeout: '200ms' }, context()));
    expect(err.kubernetesCode).toBe('K8S_SECRET_NOT_FOUND');
    expect(err.message).toBe('Secret apps/late did not appear within 200ms');
  });

  it('retries a 429 and a 500 on the read', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    cluster.apply(secret);
    cluster.faults.failNext({ verb: 'get', status: 429 }).failNext({ verb: 'get', status: 500 });
    const out = await readSecret({ client }).run({ name: 'db', namespace: 'apps', keys: ['host'] }, context());
    expect(reveal(out.data.host)).toBe('db.apps');
    expect(cluster.requests.filter((r) => r.verb === 'get').map((r) => r.status)).toEqual([429, 500, 200]);
  });

  it('names verb, resource and namespace on a 403', async () => {
    ({ cluster, client } = await harness(mode, { namespaces: ['apps'] }));
    cluster.faults.failNext({ verb: 'get', status: 403, message: 'secrets "db" is forbidden' });
    const err = await rejection(readSecret({ client }).run({ name: 'db', namespace: 'apps' }, context()));
    expect(err.message).toBe(
      'forbidden: cannot get secrets "db" in namespace "apps": secrets "db" is forbidden. Grant the \'get\' verb on \'secrets\' in namespace \'apps\' to the identity in the kubeconfig',
    );
  });
});

describe('read-secret output schema for a with block', () => {
  const step = readSecret({ client: () => undefined as never });
  const data = (written: Record<string, unknown>) => (stepOutputSchema(step, written) as unknown as { properties: { data: unknown } }).properties.data;

  it('types the plain keys as plain strings and leaves every other key sensitive', () => {
    expect(data({ name: 'db', plain: ['username', 'host'] })).toMatchObject({
      properties: { username: { type: 'string' }, host: { type: 'string' } },
      additionalProperties: { 'x-sensitive': true },
    });
  });

  it('declassifies nothing without plain, or when plain is computed', () => {
    for (const written of [{ name: 'db' }, { name: 'db', plain: '${{ vars.keys }}' }, { name: 'db', plain: ['${{ vars.key }}'] }]) {
      expect(data(written)).toMatchObject({ type: 'object', additionalProperties: { 'x-sensitive': true } });
      expect(data(written)).not.toHaveProperty('properties');
    }
  });
});
