import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { aesGcmEncrypter, createEngine, createOrchestrator, ProviderRegistry, redact, reveal, StepRegistry } from '@innominatus/core';
import { requireProvider } from '@innominatus/provider-sdk';
import { kubernetesSteps } from '@innominatus/steps-kubernetes';
import { createMockCluster, zalandoPostgresOperator } from '@innominatus/steps-kubernetes/testing';
import { createSqliteStore } from '@innominatus/store-sql';
import { PROVIDER_DIR } from './support/e2e-host';

describe('docs/service-author-guide.md: embedding the engine and orchestrator', () => {
  const dir = mkdtempSync(join(tmpdir(), 'innominatus-guide-'));
  const cluster = createMockCluster({ autoCreateNamespaces: true });
  zalandoPostgresOperator(cluster, { createDelayMs: 50 });
  afterAll(async () => {
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("provisions a database with the guide's dozen lines", async () => {
    const server = await cluster.listen();
    const log: string[] = [];
    // The guide's lines, with the mock cluster's kubeconfig for `{ context: 'prod' }` and a temporary file.
    const encrypter = aesGcmEncrypter(randomBytes(32).toString('hex'));
    const store = await createSqliteStore({ filename: join(dir, 'innominatus.db'), encrypter });
    const steps = new StepRegistry(kubernetesSteps({ kubeconfig: server.kubeConfig }));
    const registry = new ProviderRegistry().register(await requireProvider(PROVIDER_DIR, { steps }));
    const engine = createEngine({ steps, journal: store, encrypter });
    const orchestrator = createOrchestrator({ store, engine, registry });
    orchestrator.events.on('resource:transition', (e) => log.push(`${e.name}: ${e.from ?? '-'} -> ${e.to}`));
    orchestrator.start();
    const active = new Promise<void>((resolve, reject) => {
      orchestrator.events.on('resource:transition', (e) => {
        if (e.to === 'active') resolve();
        if (e.to === 'failed') reject(new Error(`${e.error?.code}: ${e.error?.message}`));
      });
    });
    const db = await orchestrator.submit({ application: 'my-app', name: 'db', type: 'postgres', properties: { size: 'small' } });
    await active;

    expect(log).toEqual(['db: - -> requested', 'db: requested -> provisioning', 'db: provisioning -> active']);
    const record = await store.getResource(db.id);
    expect(redact(record!.outputs)).toMatchObject({ host: 'my-app-db.my-app.svc.cluster.local', password: '***' });
    expect(reveal(record!.outputs!.password)).toMatch(/^[a-zA-Z0-9]{64}$/);
    await orchestrator.stop({ graceMs: 1000 });
    await store.close();
  });
});
