import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

/**
 * Imports the testing entry in a fresh process and reports, after each
 * stage, whether nock is among the loaded modules (nock is CommonJS, so
 * loading it in either module system puts it into the require cache).
 */
const SCRIPT = `
const cache = require.cache;
const nockLoaded = () => Object.keys(cache).some((path) => /[\\\\/]node_modules[\\\\/]nock[\\\\/]/.test(path));
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

async function stagesOf(args: string[], entry: 'import' | 'require'): Promise<unknown> {
  const { stdout } = await promisify(execFile)(process.execPath, [...args, '-e', SCRIPT], {
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
  // The three child processes are independent: they start together, and each test awaits its own.
  let runs: Record<'source' | 'esm' | 'cjs', Promise<unknown>>;
  beforeAll(() => {
    runs = {
      source: stagesOf(['--conditions=source', '--import', 'tsx'], 'import'),
      esm: stagesOf([], 'import'),
      cjs: stagesOf([], 'require'),
    };
    // A failure is reported by the test that awaits it, not as an unhandled rejection before it does.
    for (const run of Object.values(runs)) run.catch(() => undefined);
  });

  it('does not load nock on import, nor to serve over HTTP: only cluster.nock() loads it (source)', async () => {
    expect(await runs.source).toEqual(EXPECTED);
  }, 120_000);

  it('does not load nock on import in the built ES module and CommonJS entries', async () => {
    expect(await runs.esm).toEqual(EXPECTED);
    expect(await runs.cjs).toEqual(EXPECTED);
  }, 120_000);
});
