import type { StepDefinition } from '@innominatus/core';
import { createKubernetesClient, kubernetesSteps, loadKubeConfig, type KubeConfigSource } from '@innominatus/steps-kubernetes';
import {
  createMockCluster,
  redisCrd,
  redisOperator,
  zalandoPostgresOperator,
  type MockCluster,
  type MockClusterServer,
  type RedisOperator,
  type ZalandoOperator,
  type ZalandoOperatorOptions,
} from '@innominatus/steps-kubernetes/testing';
import type { HostConfig } from '../config/host-config';
import type { ReadinessProbe } from '../readiness';
import { keepSimulationState } from './simulation-state';

/** The simulated cluster of `--simulate`: the mock API server on loopback with the Zalando postgres-operator and OpsTree redis-operator simulators. */
export interface Simulation {
  cluster: MockCluster;
  server: MockClusterServer;
  operator: ZalandoOperator;
  /** The OpsTree redis-operator (its Redis CRD installed): what the cache-team provider's workflows need. */
  redis: RedisOperator;
}

/** Step types the host offers, and the simulation when there is one. */
export interface KubernetesAccess {
  steps: StepDefinition<any, any>[];
  simulation?: Simulation;
  /** Says where the steps reach, for the start-up log. */
  description: string;
  /** `/ready`'s check that the cluster answers (a read of the `default` namespace, no retries). */
  probe: ReadinessProbe;
  /** Stops the simulation, if any, and closes the clients' kept-alive connections. */
  close(): Promise<void>;
}

/** The steps' client (at most `maxConnections` at once, when given) and the probe's (no retries), and a close of both for the host's shutdown. */
function clients(source: KubeConfigSource, maxConnections?: number): { steps: StepDefinition<any, any>[]; probe: ReadinessProbe; close(): void } {
  const client = createKubernetesClient({ ...source, ...(maxConnections === undefined ? {} : { connections: { maxSockets: maxConnections } }) });
  const probeClient = createKubernetesClient({ ...source, retry: { retries: 0 } });
  return {
    steps: [...kubernetesSteps({ client })],
    probe: { name: 'kubernetes', check: async (signal) => void (await probeClient.get({ apiVersion: 'v1', kind: 'Namespace', name: 'default' }, signal)) },
    close() {
      client.close();
      probeClient.close();
    },
  };
}

/**
 * The Kubernetes steps for the configured access: a kubeconfig (file,
 * context), in-cluster service account, or `simulate`, which serves the mock
 * cluster with the Zalando postgres-operator and OpsTree redis-operator
 * simulators on 127.0.0.1 (its
 * objects kept in `stateFile` across restarts, when given).
 */
export async function kubernetesAccess(
  config: HostConfig['kubernetes'],
  simulation: ZalandoOperatorOptions = {},
  stateFile?: string,
): Promise<KubernetesAccess> {
  if (config.mode === 'simulate') {
    // A simulated cluster where the namespace of each application already exists, as on a prepared real one.
    const cluster = createMockCluster({ autoCreateNamespaces: true });
    const operator = zalandoPostgresOperator(cluster, simulation);
    cluster.installCrds(redisCrd());
    const redis = redisOperator(cluster, { pickupDelayMs: 20, rolloutDelayMs: 100 });
    // Restored after the operator is attached, so it takes the restored clusters up again.
    const state = stateFile === undefined ? undefined : keepSimulationState(cluster, stateFile);
    const server = await cluster.listen({ host: '127.0.0.1' });
    const kept = state
      ? `its objects are kept in ${stateFile} across restarts (${state.restored} restored)`
      : 'its objects are NOT kept across restarts (only with a SQLite store, beside the database file): a run resumed after a restart finds its objects gone, fails its wait at once, and a retry applies them again';
    // As text: a KubeConfig object would have to come from the very same copy of client-node.
    const access = clients({ kubeconfig: server.kubeconfigText }, config.maxConnections);
    return {
      steps: access.steps,
      simulation: { cluster, server, operator, redis },
      probe: access.probe,
      description: `SIMULATED cluster at ${server.url} (mock API server with the Zalando postgres-operator and OpsTree redis-operator simulators; nothing real is provisioned); ${kept}`,
      async close() {
        access.close();
        operator.stop();
        redis.stop();
        state?.close();
        await server.close();
      },
    };
  }
  const source =
    config.mode === 'in-cluster'
      ? { inCluster: true }
      : { ...(config.kubeconfig ? { kubeconfig: config.kubeconfig } : {}), ...(config.context ? { context: config.context } : {}) };
  // Load now so a missing file or unknown context stops the start with a clear message.
  const kubeConfig = loadKubeConfig(source);
  const access = clients({ kubeconfig: kubeConfig }, config.maxConnections);
  return {
    steps: access.steps,
    probe: access.probe,
    description:
      config.mode === 'in-cluster'
        ? 'in-cluster service account'
        : `kubeconfig ${config.kubeconfig ?? '(KUBECONFIG or ~/.kube/config)'}, context ${kubeConfig.getCurrentContext()}, server ${kubeConfig.getCurrentCluster()?.server ?? '?'}`,
    async close() {
      access.close();
    },
  };
}
