#!/usr/bin/env node
import { CORE_VERSION } from '@innominatus/core';
import { STEPS_KUBERNETES_VERSION } from '../../version';
import { MOCK_CLUSTER_USAGE, MockClusterUsageError, startMockClusterFromArgs } from './mock-cluster-cli';

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  process.stdout.write(`${MOCK_CLUSTER_USAGE}\n`);
  process.exit(0);
}
if (argv.includes('--version') || argv.includes('-v')) {
  process.stdout.write(`${STEPS_KUBERNETES_VERSION} (@innominatus/core ${CORE_VERSION})\n`);
  process.exit(0);
}
startMockClusterFromArgs(argv).then(
  (running) => {
    process.stdout.write(`mock-cluster listening on ${running.server.url}\n`);
    const stop = () => void running.stop().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  },
  (err: Error) => {
    process.stderr.write(`mock-cluster: ${err.message}\n`);
    process.exit(err instanceof MockClusterUsageError ? 2 : 1);
  },
);
