import { describe, vi } from 'vitest';
import { postgresqlCrd, type MockObject } from '@innominatus/steps-kubernetes/testing';
import { kubectlIt as it, tableRows } from './kubectl-harness';

const pg = (spec: Record<string, unknown> = {}, name = 'team-a'): MockObject => ({
  apiVersion: 'acid.zalan.do/v1',
  kind: 'postgresql',
  metadata: { name, namespace: 'apps' },
  spec: { teamId: 'team', numberOfInstances: 1, postgresql: { version: '17' }, volume: { size: '1Gi' }, ...spec },
});
const ref = { apiVersion: 'acid.zalan.do/v1', kind: 'postgresql', name: 'team-a', namespace: 'apps' };

/** kubectl with its default flags against the mock-cluster (HTTP): it must not tell it from a real API server. */
describe.concurrent('kubectl against mock-cluster', () => {
  it('applies client-side (created, unchanged, configured) and gets with the CRD printer columns', async ({ expect, startCluster }) => {
    const k = await startCluster(['--operator', 'zalando', '--namespace', 'apps', '--namespace', 'other']);
    const file = k.file('pg.json', pg());
    expect((await k.kubectl(['apply', '-f', file])).stdout.trim()).toBe('postgresql.acid.zalan.do/team-a created');
    await vi.waitFor(() => expect(k.running.cluster.get(ref)?.status).toEqual({ PostgresClusterStatus: 'Running' }), { timeout: 5000 });
    expect((await k.kubectl(['apply', '-f', file])).stdout.trim()).toBe('postgresql.acid.zalan.do/team-a unchanged');
    expect((await k.kubectl(['apply', '-f', k.file('pg2.json', pg({ numberOfInstances: 2 }))])).stdout.trim()).toBe(
      'postgresql.acid.zalan.do/team-a configured',
    );
    // kubectl's HTTP cache keeps the OpenAPI documents as with a real API server: the v3 document, immutable at its
    // hash, is asked for once; the v2 document (fetched by each apply of an existing object) comes back 304 unchanged.
    expect(k.running.cluster.countRequests({ path: '/openapi/v3/apis/acid.zalan.do/v1' })).toBe(1);
    expect(k.running.cluster.requests.filter((r) => r.path === '/openapi/v2').map((r) => r.status)).toEqual([200, 304]);
    // Two reads of the same state: run together.
    const [listed, one] = await Promise.all([
      k.kubectl(['get', 'pg', '-A']),
      k.kubectl(['get', 'postgresql', 'team-a', '-n', 'apps', '-o', 'jsonpath={.spec.numberOfInstances}']),
    ]);
    const table = tableRows(listed.stdout);
    expect(table[0]).toEqual(['NAMESPACE', 'NAME', 'TEAM', 'VERSION', 'PODS', 'VOLUME', 'CPU-REQUEST', 'MEMORY-REQUEST', 'AGE', 'STATUS']);
    expect([table[1]!.slice(0, 6), table[1]!.slice(7)]).toEqual([['apps', 'team-a', 'team', '17', '2', '1Gi'], [expect.any(String)]]);
    expect(one.stdout).toBe('2');
  });

  it("shows the API server's 422 for a manifest outside the CRD schema, and prunes unknown fields with a warning", async ({ expect, startCluster }) => {
    const k = await startCluster(['--operator', 'zalando', '--namespace', 'apps']);
    // Two refused creates, independent of each other: run together.
    const [bad, strict] = await Promise.all([
      k.kubectl(['apply', '-f', k.file('bad.json', pg({ postgresql: { version: '19' }, resources: { requests: { memory: '512m' } } }))]),
      k.kubectl(['apply', '-f', k.file('extra.json', pg({ foo: 1 }))]),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      'The postgresql "team-a" is invalid: \n* spec.postgresql.version: Unsupported value: "19": supported values: "14", "15", "16", "17", "18"\n* spec.resources.requests.memory: Invalid value: "512m": spec.resources.requests.memory in body should match',
    );
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('strict decoding error: unknown field "spec.foo"');
    const warned = await k.kubectl(['apply', '--validate=warn', '-f', k.file('extra.json', pg({ foo: 1 }))]);
    expect(warned.stderr).toContain('Warning: unknown field "spec.foo"');
    expect((k.running.cluster.get(ref)!.spec as Record<string, unknown>).foo).toBeUndefined();
  });

  it('applies server-side with field ownership: a dropped field is removed, another manager conflicts unless forced', async ({ expect, startCluster }) => {
    const k = await startCluster();
    k.running.cluster.installCrds(postgresqlCrd());
    const applied = await k.kubectl(['apply', '--server-side', '-f', k.file('pg.json', pg({ enableLogicalBackup: true }))]);
    expect(applied.stdout.trim()).toBe('postgresql.acid.zalan.do/team-a serverside-applied');
    await k.kubectl(['apply', '--server-side', '-f', k.file('pg.json', pg())]);
    expect((k.running.cluster.get(ref)!.spec as Record<string, unknown>).enableLogicalBackup).toBeUndefined();
    const other = k.file('other.json', pg({ numberOfInstances: 3 }));
    const conflict = await k.kubectl(['apply', '--server-side', '--field-manager', 'someone-else', '-f', other]);
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl" using acid.zalan.do/v1: .spec.numberOfInstances');
    const forced = await k.kubectl(['apply', '--server-side', '--field-manager', 'someone-else', '--force-conflicts', '-f', other]);
    expect(forced.code).toBe(0);
    const managers = (k.running.cluster.get(ref)!.metadata.managedFields as Array<{ manager: string; operation: string }>).map(
      (m) => `${m.manager}/${m.operation}`,
    );
    expect(managers).toEqual(['kubectl/Apply', 'someone-else/Apply']);
    expect((k.running.cluster.get(ref)!.spec as Record<string, unknown>).numberOfInstances).toBe(3);
  });

  it('diffs and applies with --dry-run=server without storing anything or waking the operator', async ({ expect, startCluster }) => {
    const k = await startCluster(['--operator', 'zalando', '--namespace', 'apps']);
    await k.kubectl(['apply', '-f', k.file('pg.json', pg())]);
    await vi.waitFor(() => expect(k.running.cluster.get(ref)?.status).toEqual({ PostgresClusterStatus: 'Running' }), { timeout: 5000 });
    const before = k.running.cluster.get(ref)!;
    const rv = k.running.cluster.store.resourceVersion;
    const changed = k.file('pg2.json', pg({ numberOfInstances: 2 }));
    // Three requests that store nothing: run together.
    const [diff, dryChanged, dryNew] = await Promise.all([
      k.kubectl(['diff', '-f', changed]),
      k.kubectl(['apply', '--dry-run=server', '-f', changed]),
      k.kubectl(['apply', '--dry-run=server', '-f', k.file('new.json', pg({}, 'team-b'))]),
    ]);
    expect(diff.code).toBe(1);
    expect(diff.stdout).toContain('-  numberOfInstances: 1\n+  numberOfInstances: 2');
    expect(diff.stdout).toContain('-  generation: 1\n+  generation: 2');
    expect(diff.stdout).not.toMatch(/^[-+]\s+resourceVersion/m);
    expect(dryChanged.stdout.trim()).toBe('postgresql.acid.zalan.do/team-a configured (server dry run)');
    expect(dryNew.stdout.trim()).toBe('postgresql.acid.zalan.do/team-b created (server dry run)');
    expect(k.running.cluster.store.resourceVersion).toBe(rv);
    // The operator takes up changes after the same pickup delay, in order, and a create takes longer than an update:
    // once a cluster created after the dry runs is Running, a reaction to them would have happened.
    await k.kubectl(['apply', '-f', k.file('later.json', pg({}, 'team-c'))]);
    await vi.waitFor(() => expect(k.running.cluster.get({ ...ref, name: 'team-c' })?.status).toEqual({ PostgresClusterStatus: 'Running' }), {
      timeout: 10_000,
    });
    expect(k.running.cluster.get(ref)).toEqual(before);
    expect(k.running.cluster.get({ ...ref, name: 'team-b' })).toBeUndefined();
  });

  it("explains the CRD's fields and a built-in kind", async ({ expect, startCluster }) => {
    const k = await startCluster();
    k.running.cluster.installCrds(postgresqlCrd());
    const [version, spec, data] = await Promise.all([
      k.kubectl(['explain', 'pg.spec.postgresql.version']),
      k.kubectl(['explain', 'postgresql.spec']),
      k.kubectl(['explain', 'configmap.data']),
    ]);
    expect(version.stdout).toContain('FIELD: version <string>');
    expect(version.stdout).toContain('ENUM:\n    14\n    15\n    16\n    17\n    18');
    expect(spec.stdout).toMatch(/numberOfInstances\t<integer> -required-/);
    expect(data.stdout).toContain('FIELD: data <map[string]string>');
  });

  it('waits for a status, patches (json and merge) and the operator sees the merge patch', async ({ expect, startCluster }) => {
    const k = await startCluster(['--operator', 'zalando', '--namespace', 'apps']);
    await k.kubectl(['apply', '-f', k.file('pg.json', pg())]);
    const wait = await k.kubectl(['wait', '-n', 'apps', '--for=jsonpath={.status.PostgresClusterStatus}=Running', 'pg/team-a', '--timeout=10s']);
    expect(wait.stdout.trim()).toBe('postgresql.acid.zalan.do/team-a condition met');
    const json = await k.kubectl(['patch', '-n', 'apps', 'pg', 'team-a', '--type=json', '-p', '[{"op":"replace","path":"/spec/numberOfInstances","value":2}]']);
    expect(json.stdout.trim()).toBe('postgresql.acid.zalan.do/team-a patched');
    // The operator's Events tell what it did: its Updating status may be over by the time kubectl returns.
    const events = (note: string) =>
      k.running.cluster.list('events.k8s.io/v1', 'Event', { namespace: 'apps' }).filter((e) => (e as { note?: string }).note === note).length;
    await vi.waitFor(() => expect(events('Cluster update has been completed')).toBe(1), { timeout: 20_000 });
    const merge = await k.kubectl(['patch', '-n', 'apps', 'pg', 'team-a', '--type=merge', '-p', '{"spec":{"numberOfInstances":3}}']);
    expect(merge.stdout.trim()).toBe('postgresql.acid.zalan.do/team-a patched');
    const stored = k.running.cluster.get(ref)!;
    expect([(stored.spec as Record<string, unknown>).numberOfInstances, stored.metadata.generation]).toEqual([3, 3]);
    // The operator takes up the merge patch as a second update.
    await vi.waitFor(() => expect(events('Started update of cluster resources')).toBe(2), { timeout: 20_000 });
    const strategic = await k.kubectl(['patch', '-n', 'apps', 'pg', 'team-a', '-p', '{"spec":{"numberOfInstances":4}}']);
    expect(strategic.code).toBe(1);
    expect(strategic.stderr).toContain(
      'application/strategic-merge-patch+json is not supported by acid.zalan.do/v1, Kind=postgresql: the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    );
  });

  it("describes a cluster with the operator's events, and lists events", async ({ expect, startCluster }) => {
    const k = await startCluster(['--operator', 'zalando', '--namespace', 'apps']);
    await k.kubectl(['apply', '-f', k.file('pg.json', pg({ users: { 'Bad-Role': [] } }))]);
    await vi.waitFor(() => expect(k.running.cluster.get(ref)?.status).toEqual({ PostgresClusterStatus: 'CreateFailed' }), { timeout: 5000 });
    const [described, warnings] = await Promise.all([
      k.kubectl(['describe', '-n', 'apps', 'pg', 'team-a']),
      k.kubectl(['get', 'events', '-n', 'apps', '--field-selector', 'type=Warning']),
    ]);
    expect(described.code).toBe(0);
    expect(described.stdout).toMatch(/Status:\n\s+Postgres Cluster Status:\s+CreateFailed/);
    const table = described.stdout.slice(described.stdout.indexOf('Events:'));
    expect(table).toMatch(/^Events:\n\s+Type\s+Reason\s+Age\s+From\s+Message\n/);
    // Both happened within the same second, so kubectl may list them in either order.
    expect(table).toMatch(/\n\s+Normal\s+Create\s+\S+\s+postgres-operator\s+Started creation of new cluster resources\n/);
    expect(table).toMatch(/\n\s+Warning\s+Create\s+\S+\s+postgres-operator\s+could not create cluster: invalid username: "Bad-Role"\n/);
    const listed = tableRows(warnings.stdout);
    expect(listed[0]).toEqual(['LAST', 'SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    expect(listed[1]!.slice(1, 4)).toEqual(['Warning', 'Create', 'postgresql/team-a']);
  });

  it('deletes with finalizers: the object stays Terminating until they are removed', async ({ expect, startCluster }) => {
    const k = await startCluster();
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', namespace: 'apps', finalizers: ['example.com/hold'] }, data: { a: 'b' } };
    await k.kubectl(['apply', '-f', k.file('cm.json', cm)]);
    const del = await k.kubectl(['delete', '-n', 'apps', 'configmap', 'held', '--wait=false']);
    expect(del.stdout.trim()).toBe('configmap "held" deleted');
    const held = k.running.cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'held', namespace: 'apps' })!;
    expect(held.metadata.deletionTimestamp).toEqual(expect.any(String));
    const waiting = k.kubectl(['delete', '-n', 'apps', 'configmap', 'held', '--timeout=15s']);
    // The finalizer goes only once this second delete has reached the server, however slowly kubectl starts.
    const deletes = { verb: 'delete', path: '/api/v1/namespaces/apps/configmaps/held' };
    await vi.waitFor(() => expect(k.running.cluster.countRequests(deletes)).toBe(2), { timeout: 15_000 });
    await k.kubectl(['patch', '-n', 'apps', 'configmap', 'held', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
    expect((await waiting).code).toBe(0);
    expect(k.running.cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'held', namespace: 'apps' })).toBeUndefined();
    const missingNs = await k.kubectl(['apply', '-f', k.file('elsewhere.json', { ...cm, metadata: { name: 'x', namespace: 'nowhere' } })]);
    expect(missingNs.stderr).toContain('namespaces "nowhere" not found');
  });

  it('deletes with --cascade=foreground: the owner waits, marked, for its blocking dependents, then goes', async ({ expect, startCluster }) => {
    const k = await startCluster();
    const cm = (name: string, extra: Record<string, unknown> = {}) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: 'apps', ...extra },
    });
    const get = (name: string) => k.running.cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name, namespace: 'apps' });
    await k.kubectl(['apply', '-f', k.file('owner.json', cm('owner'))]);
    const owner = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: get('owner')!.metadata.uid };
    const blocking = cm('blocking', { finalizers: ['example.com/hold'], ownerReferences: [{ ...owner, blockOwnerDeletion: true }] });
    const loose = cm('loose', { ownerReferences: [owner] });
    expect((await k.kubectl(['apply', '-f', k.file('blocking.json', blocking), '-f', k.file('loose.json', loose)])).code).toBe(0);

    const watchesBefore = k.running.cluster.countRequests({ verb: 'watch' });
    const deleting = k.kubectl(['delete', '-n', 'apps', 'configmap', 'owner', '--cascade=foreground', '--timeout=15s']);
    await vi.waitFor(() => expect(k.running.cluster.countRequests({ verb: 'watch' })).toBeGreaterThan(watchesBefore), { timeout: 15_000 });
    const marked = get('owner')!;
    expect(marked.metadata.finalizers).toEqual(['foregroundDeletion']);
    expect(marked.metadata.deletionTimestamp).toEqual(expect.any(String));
    expect(get('loose')).toBeUndefined();
    expect(get('blocking')!.metadata.deletionTimestamp).toEqual(expect.any(String));
    // Deleted in the foreground too; having no dependents of its own, only its own finalizer holds it.
    expect(get('blocking')!.metadata.finalizers).toEqual(['example.com/hold']);
    const shown = JSON.parse((await k.kubectl(['get', '-n', 'apps', 'configmap', 'owner', '-o', 'json'])).stdout) as { metadata: Record<string, unknown> };
    expect(shown.metadata.finalizers).toEqual(['foregroundDeletion']);

    await k.kubectl(['patch', '-n', 'apps', 'configmap', 'blocking', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers/0"}]']);
    const done = await deleting;
    expect(done.stdout.trim()).toBe('configmap "owner" deleted');
    expect(done.code).toBe(0);
    expect(get('blocking')).toBeUndefined();
    expect(get('owner')).toBeUndefined();
  });

  it('serves one store of Events through core/v1 and events.k8s.io/v1: each shows what the other wrote (get, describe)', async ({ expect, startCluster }) => {
    const k = await startCluster();
    await k.kubectl(['apply', '-f', k.file('subject.json', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'subject', namespace: 'apps' } })]);
    const subject = k.running.cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'subject', namespace: 'apps' })!;
    const regarding = { apiVersion: 'v1', kind: 'ConfigMap', name: 'subject', namespace: 'apps', uid: subject.metadata.uid };
    const viaEventsApi = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'subject.events-api', namespace: 'apps' },
      regarding,
      reason: 'Checked',
      note: 'written through events.k8s.io',
      type: 'Warning',
      action: 'Check',
      eventTime: '2026-12-01T10:00:00.000000Z',
      reportingController: 'example.com/checker',
      reportingInstance: 'checker-1',
    };
    const viaCore = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'subject.core-api', namespace: 'apps' },
      involvedObject: regarding,
      reason: 'Seen',
      message: 'written through core/v1',
      type: 'Normal',
      source: { component: 'example.com/watcher' },
      firstTimestamp: '2026-12-01T10:00:01Z',
      lastTimestamp: '2026-12-01T10:00:01Z',
      count: 1,
    };
    expect((await k.kubectl(['create', '-f', k.file('e1.json', viaEventsApi), '-f', k.file('e2.json', viaCore)])).code).toBe(0);

    // Three reads of the same Events: run together.
    const [coreOut, v1Out, described] = await Promise.all([
      k.kubectl(['get', 'events', '-n', 'apps', '-o', 'json']),
      k.kubectl(['get', 'events.events.k8s.io', '-n', 'apps', '-o', 'json']),
      k.kubectl(['describe', '-n', 'apps', 'configmap', 'subject']),
    ]);
    const core = JSON.parse(coreOut.stdout) as { items: Array<Record<string, unknown>> };
    expect(core.items.map((e) => [e.apiVersion, (e.metadata as { name: string }).name, e.message, e.reason])).toEqual([
      ['v1', 'subject.core-api', 'written through core/v1', 'Seen'],
      ['v1', 'subject.events-api', 'written through events.k8s.io', 'Checked'],
    ]);
    expect(core.items[1]!.involvedObject).toEqual(regarding);
    expect(core.items[1]!.reportingComponent).toBe('example.com/checker');
    const v1 = JSON.parse(v1Out.stdout) as { items: Array<Record<string, unknown>> };
    expect(v1.items.map((e) => [e.apiVersion, (e.metadata as { name: string }).name, e.note, e.reason])).toEqual([
      ['events.k8s.io/v1', 'subject.core-api', 'written through core/v1', 'Seen'],
      ['events.k8s.io/v1', 'subject.events-api', 'written through events.k8s.io', 'Checked'],
    ]);
    expect(v1.items[0]!.regarding).toEqual(regarding);
    expect(v1.items[0]!.deprecatedSource).toEqual({ component: 'example.com/watcher' });

    const table = described.stdout.slice(described.stdout.indexOf('Events:'));
    expect(table).toMatch(/\n\s+Warning\s+Checked\s+\S+\s+example\.com\/checker\s+written through events\.k8s\.io\n/);
    expect(table).toMatch(/\n\s+Normal\s+Seen\s+\S+\s+example\.com\/watcher\s+written through core\/v1\n/);

    expect((await k.kubectl(['delete', '-n', 'apps', 'events.events.k8s.io', 'subject.core-api'])).code).toBe(0);
    expect(k.running.cluster.list('v1', 'Event', { namespace: 'apps' }).map((e) => e.metadata.name)).toEqual(['subject.events-api']);
  });
});
