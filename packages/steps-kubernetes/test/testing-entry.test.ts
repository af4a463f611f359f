import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
/** A module path inside the nock package. */
const NOCK_PATH = /[\\/]node_modules[\\/]nock[\\/]/;
/** Whether nock is among the loaded modules of this process. */
const nockLoaded = () => Object.keys(createRequire(import.meta.url).cache).some((path) => NOCK_PATH.test(path));

/**
 * Imports the testing entry in a fresh process and reports, after each
 * stage, whether nock is among the loaded modules (nock is CommonJS, so
 * loading it in either module system puts it into the require cache).
 */
const SCRIPT = `
const cache = require.cache;
const nockLoaded = () => Object.keys(cache).some((path) => ${NOCK_PATH}.test(path));
const stages = [];
(async () => {
  const testing = process.env.ENTRY === 'require' ? require('@innominatus/steps-kubernetes/testing') : await import('@innominatus/steps-kubernetes/testing');
  stages.push(['imported', nockLoaded()]);
  const cluster = testing.createMockCluster();
  const server = await cluster.listen();
  const res = await fetch(server.url + '/api/v1/namespaces/default');
  stages.push(['served over HTTP: ' + res.status, nockLoaded()]);
  cluster.nock();
  stages.push(['cluster.nock()', nockLoaded()]);
  await cluster.close();
  process.stdout.write(JSON.stringify(stages));
})().catch((err) => { console.error(err); process.exit(1); });
`;

/**
 * SCRIPT's stages in this process, with the entry as the tests import it (the
 * TypeScript source): this file runs in a process of its own (the unit
 * project isolates each file), where nothing has loaded nock before.
 */
async function stagesHere(): Promise<unknown> {
  const stages: Array<[string, boolean]> = [];
  const testing = await import('@innominatus/steps-kubernetes/testing');
  stages.push(['imported', nockLoaded()]);
  const cluster = testing.createMockCluster();
  try {
    const server = await cluster.listen();
    const res = await fetch(`${server.url}/api/v1/namespaces/default`);
    stages.push([`served over HTTP: ${res.status}`, nockLoaded()]);
    cluster.nock();
    stages.push(['cluster.nock()', nockLoaded()]);
  } finally {
    await cluster.close();
  }
  return stages;
}

async function stagesOf(entry: 'import' | 'require'): Promise<unknown> {
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', SCRIPT], {
    cwd: packageDir,
    env: { ...process.env, ENTRY: entry },
    timeout: 60_000,
  });
  return JSON.parse(stdout);
}

const EXPECTED = [
  ['imported', false],
  ['served over HTTP: 200', false],
  ['cluster.nock()', true],
];

describe('@innominatus/steps-kubernetes/testing', () => {
  // The two child processes are independent: they start together, and each test awaits its own.
  let runs: Record<'esm' | 'cjs', Promise<unknown>>;
  beforeAll(() => {
    runs = {
      esm: stagesOf('import'),
      cjs: stagesOf('require'),
    };
    // A failure is reported by the test that awaits it, not as an unhandled rejection before it does.
    for (const run of Object.values(runs)) run.catch(() => undefined);
  });

  it('does not load nock on import, nor to serve over HTTP: only cluster.nock() loads it (source)', async () => {
    expect(await stagesHere()).toEqual(EXPECTED);
  }, 120_000);

  it('does not load nock on import in the built ES module and CommonJS entries', async () => {
    expect(await runs.esm).toEqual(EXPECTED);
    expect(await runs.cjs).toEqual(EXPECTED);
  }, 120_000);
});
