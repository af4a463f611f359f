import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CrdError } from '../../crd/index';
import { createMockCluster, type MockCluster } from '../mock-cluster';
import type { MockClusterServer } from '../http-transport';
import { zalandoPostgresOperator } from '../zalando/index';

/** A running `mock-cluster`: the cluster, its HTTP server, and how to stop both. */
export interface MockClusterProcess {
  cluster: MockCluster;
  server: MockClusterServer;
  stop(): Promise<void>;
}

/** A command-line mistake; the bin prints the message and exits 2. */
export class MockClusterUsageError extends Error {
  readonly code = 'MOCK_CLUSTER_USAGE';
}

export const MOCK_CLUSTER_USAGE = `Usage: mock-cluster [options]
  --port N            port to listen on (default: a free one)
  --host HOST         address to listen on (default 127.0.0.1)
  --kubeconfig FILE   write a kubeconfig for the server to FILE
  --crd FILE          install the CustomResourceDefinitions in FILE (repeatable)
  --operator zalando  run the Zalando postgres-operator simulator
  --namespace NAME    create the namespace NAME (repeatable; default: default)
  -v, --version       print the version (and that of @innominatus/core)
  -h, --help          print this help`;

/**
 * Starts a mock cluster from command-line arguments (what the `mock-cluster`
 * bin runs): serves it over HTTP, installs CRDs, starts simulators, writes
 * a kubeconfig.
 *
 * @throws {MockClusterUsageError} on a bad argument, a CRD file that cannot be read or is invalid.
 */
export async function startMockClusterFromArgs(argv: string[]): Promise<MockClusterProcess> {
  let values: ReturnType<typeof parse>['values'];
  try {
    ({ values } = parse(argv));
  } catch (err) {
    throw new MockClusterUsageError(`${(err as Error).message}\n${MOCK_CLUSTER_USAGE}`);
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new MockClusterUsageError(`--port: not a port number: ${String(values.port)}`);
  if (values.operator !== undefined && values.operator !== 'zalando')
    throw new MockClusterUsageError(`--operator: unknown operator '${values.operator}' (known: zalando)`);
  const namespaces = values.namespace?.length ? values.namespace : ['default'];
  const cluster = createMockCluster({ namespaces: namespaces.includes('default') ? namespaces : ['default', ...namespaces] });
  try {
    for (const file of values.crd ?? []) installFile(cluster, file);
    if (values.operator === 'zalando') zalandoPostgresOperator(cluster);
    const server = await cluster.listen({ ...(values.host ? { host: values.host } : {}), port });
    if (values.kubeconfig) writeFileSync(values.kubeconfig, server.kubeconfigText, { mode: 0o600 });
    return { cluster, server, stop: () => cluster.close() };
  } catch (err) {
    await cluster.close();
    throw err;
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      kubeconfig: { type: 'string' },
      crd: { type: 'string', multiple: true },
      operator: { type: 'string' },
      namespace: { type: 'string', multiple: true },
    },
  });
}

function installFile(cluster: MockCluster, file: string): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new MockClusterUsageError(`--crd ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  try {
    const kinds = cluster.installCrds(text);
    if (kinds.length === 0) throw new MockClusterUsageError(`--crd ${file}: no CustomResourceDefinition in the file`);
  } catch (err) {
    if (err instanceof CrdError) throw new MockClusterUsageError(`--crd ${file}: ${err.describe()}`);
    if (err instanceof Error && 'code' in err && (err as { code: unknown }).code === 422) throw new MockClusterUsageError(`--crd ${file}: ${err.message}`);
    throw err;
  }
}
