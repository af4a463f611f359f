import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiStatusError, createMockCluster, type MockObject } from '@innominatus/steps-kubernetes/testing';
import { generatedModule, OUTPUT } from '../scripts/generate-builtin-schemas';
import { kubectlCluster, type KubectlCluster } from './kubectl-harness';

const deployment = (spec: Record<string, unknown>): MockObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec,
});
const TEMPLATE = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'app:1' }] } };
const refused = (write: () => unknown): ApiStatusError => {
  try {
    write();
  } catch (err) {
    if (err instanceof ApiStatusError) return err;
    throw err;
  }
  throw new Error('the write was accepted');
};

describe("built-in kinds on the Kubernetes OpenAPI schemas (from @kubernetes/client-node's models)", () => {
  it('the committed schemas are what the generator makes from the installed models', async () => {
    expect(readFileSync(OUTPUT, 'utf8')).toBe(await generatedModule());
  }, 60_000);

  it('validates like the API server: 422 with a cause per field path, unknown fields pruned, warned or refused', () => {
    const cluster = createMockCluster();
    const deployments = cluster.store.requireKind('apps/v1', 'Deployment');
    const missing = refused(() => cluster.store.create(deployments, deployment({ replicas: '2' })));
    expect([missing.code, missing.reason, missing.message]).toEqual([
      422,
      'Invalid',
      'Deployment.apps "web" is invalid: [spec.selector: Required value, spec.template: Required value, spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"]',
    ]);
    expect((missing.details!.causes as Array<{ field: string }>).map((c) => c.field)).toEqual(['spec.selector', 'spec.template', 'spec.replicas']);

    const typo = deployment({ replicas: 2, replica: 3, selector: { matchLabels: { app: 'web' } }, template: TEMPLATE });
    const strict = refused(() => cluster.store.create(deployments, typo, { fieldValidation: 'Strict' }));
    expect([strict.code, strict.message]).toEqual([
      400,
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica"',
    ]);
    expect(cluster.store.create(deployments, typo, { fieldValidation: 'Warn', dryRun: true }).warnings).toEqual(['unknown field "spec.replica"']);
    const stored = cluster.store.create(deployments, typo).object;
    expect(stored.spec).toEqual({ replicas: 2, selector: { matchLabels: { app: 'web' } }, template: TEMPLATE });
  });

  it("keeps every real field of an Event (the mock's former schema pruned most of them) and takes quantities as strings or numbers", () => {
    const cluster = createMockCluster();
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e1', namespace: 'default' },
      involvedObject: { apiVersion: 'v1', kind: 'Pod', name: 'p', namespace: 'default' },
      reason: 'Pulled',
      message: 'pulled',
      type: 'Normal',
      action: 'Pull',
      eventTime: '2026-12-01T10:00:00.123456Z',
      reportingComponent: 'kubelet',
      reportingInstance: 'node-1',
      related: { kind: 'Node', name: 'node-1' },
      series: { count: 2, lastObservedTime: '2026-12-01T10:00:01.000000Z' },
    };
    const { metadata: _m, ...fields } = cluster.apply(event);
    const { metadata: _n, ...given } = event;
    expect(fields).toEqual(given);
    const pvc = cluster.apply({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data', namespace: 'default' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' }, limits: { storage: 2147483648 } } },
    });
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' }, limits: { storage: 2147483648 } } });
  });

  it('a strategic merge patch merges only the lists the schema marks (containers by name), and replaces the others', () => {
    const cluster = createMockCluster();
    const deployments = cluster.store.requireKind('apps/v1', 'Deployment');
    cluster.apply({
      ...deployment({ selector: { matchLabels: { app: 'web' } }, template: TEMPLATE }),
      metadata: { name: 'web', namespace: 'default' },
    });
    const patch = {
      spec: { template: { spec: { containers: [{ name: 'sidecar', image: 's:1', args: ['b'] }], tolerations: [{ key: 'b', operator: 'Exists' }] } } },
    };
    cluster.store.patch(deployments, 'default', 'web', 'strategic', {
      spec: { template: { spec: { tolerations: [{ key: 'a', operator: 'Exists' }] } } },
    });
    const spec = cluster.store.patch(deployments, 'default', 'web', 'strategic', patch).object.spec as { template: { spec: Record<string, unknown> } };
    expect(spec.template.spec.containers).toEqual([
      { name: 'app', image: 'app:1' },
      { name: 'sidecar', image: 's:1', args: ['b'] },
    ]);
    expect(spec.template.spec.tolerations).toEqual([{ key: 'b', operator: 'Exists' }]);
  });
});

describe('kubectl and the built-in schemas', () => {
  let k: KubectlCluster;
  afterEach(async () => k.close());

  it("explains a built-in kind's nested fields and refuses a typo with kubectl's default (strict) validation", async () => {
    k = await kubectlCluster(['--namespace', 'apps']);
    // The explain and the refused create change nothing: run together.
    const [explained, typo] = await Promise.all([
      k.kubectl(['explain', 'deployment.spec.template.spec.containers.livenessProbe.httpGet']),
      k.kubectl([
        'apply',
        '-f',
        k.file('typo.json', { ...deployment({ replica: 1, selector: { matchLabels: { app: 'web' } }, template: TEMPLATE }), metadata: { name: 'web' } }),
      ]),
    ]);
    expect(explained.stdout).toContain('HTTPGetAction describes an action based on HTTP Get requests.');
    expect(explained.stdout).toMatch(/port\t<(IntOrString|Object)> -required-/);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('unknown field "spec.replica"');
    const ok = await k.kubectl([
      'apply',
      '-f',
      k.file('d.json', { ...deployment({ replicas: 1, selector: { matchLabels: { app: 'web' } }, template: TEMPLATE }), metadata: { name: 'web' } }),
    ]);
    expect([ok.code, ok.stdout.trim(), ok.stderr]).toEqual([0, 'deployment.apps/web created', '']);
  }, 60_000);
});
