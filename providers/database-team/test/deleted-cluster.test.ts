import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, InnominatusError, StepRegistry } from '@innominatus/core';
import { createFakeClock } from '@innominatus/core/testing';
import { moveOnProgress } from '@innominatus/provider-sdk/testing';
import { kubernetesSteps } from '@innominatus/steps-kubernetes';
import type { MockCluster } from '@innominatus/steps-kubernetes/testing';
import { BASE, databaseTeam, OBSERVED_STEP_MS, observedOperator, operatorCluster, postgresql } from './harness';

const PG_PATH = '/apis/acid.zalan.do/v1/namespaces/production/postgresqls/team-myapp-db';
const REF = { apiVersion: 'acid.zalan.do/v1', kind: 'postgresql', name: 'team-myapp-db', namespace: 'production' };

let cluster: MockCluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

describe('a cluster deleted while provision-postgres waits for it', () => {
  it('fails the wait at once naming the cluster, and a resume applies it again', async () => {
    // The operator moves only after the wait has reported what it observed: it has not taken the
    // cluster up when it is deleted, and it has removed what it made for it before the resume.
    const clock = createFakeClock();
    ({ cluster } = operatorCluster(observedOperator(clock)));
    const provider = await databaseTeam();
    const engine = createEngine({ steps: new StepRegistry().registerAll(kubernetesSteps({ kubeconfig: cluster.nock() })) });
    const moves = moveOnProgress(clock, OBSERVED_STEP_MS, 'wait-for-database');
    engine.events.on('step:progress', (e) => moves.onEvent({ event: 'step:progress', ...e }));
    const applied = () => cluster!.countRequests({ verb: 'patch', path: PG_PATH });
    // Deleted by hand right after the apply succeeded, before the operator has reported Running.
    engine.events.on('step:succeeded', (e) => {
      if (e.step === 'create-postgres-cluster' && applied() === 1) cluster!.delete(REF, { immediate: true });
    });
    const workflow = provider.workflows.get('provision-postgres')!;
    const failure = await engine.run(workflow, { runId: 'deleted', parameters: { ...BASE } }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(InnominatusError.is(failure)).toBe(true);
    expect(failure).toMatchObject({
      code: 'STEP_FAILED',
      step: 'wait-for-database',
      retryable: false,
      message:
        'step \'wait-for-database\' failed: postgresql production/team-myapp-db does not exist (mustExist: an earlier step created it, so it was deleted) while waiting for successWhen `object.status.PostgresClusterStatus == "Running"`',
    });
    expect(postgresql(cluster, 'team-myapp-db')).toBeUndefined();
    await moves.settled();
    // The operator's cleanup of the deleted cluster (its delete delay is under one move) is done.
    await clock.advance(OBSERVED_STEP_MS);
    expect(clock.pending()).toBe(0);

    const resumed = await engine.resume('deleted');
    await moves.settled();
    expect(resumed.status).toBe('succeeded');
    expect(applied()).toBe(2);
    expect(postgresql(cluster, 'team-myapp-db')?.status).toEqual({ PostgresClusterStatus: 'Running' });
    expect((await engine.journal.listSteps('deleted')).map((s) => `${s.name}:${s.status}`)).toEqual([
      'create-postgres-cluster:succeeded',
      'wait-for-database:succeeded',
      'get-credentials:succeeded',
    ]);
  });
});
