import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { addSqliteAddon, type Exited, removeSqliteAddon, ROOT, runProgram, strangerProject, type StrangerProject } from './support/release';

// A stranger's project: the four tarballs installed with npm into a folder
// outside the workspace, then docs/service-author-guide.md's lines run there
// as an ES module and as CommonJS, against the mock cluster, each package
// README's example runs, and the CLI validates a copy of the database-team
// provider. After the test without the SQLite addon, the others, each its
// own child processes and files, run at once (concurrent tests).

/** The guide's lines, after the imports (the mock cluster's kubeconfig instead of a context; a temporary database). */
const GUIDE_BODY = `
  const cluster = createMockCluster({ namespaces: ['my-app'] });
  zalandoPostgresOperator(cluster, { createDelayMs: 50 });
  const server = await cluster.listen();
  const log = [];
  const encrypter = aesGcmEncrypter(randomBytes(32).toString('hex'));
  const store = await createSqliteStore({ filename: join(mkdtempSync(join(tmpdir(), 'guide-')), 'innominatus.db'), encrypter });
  const steps = new StepRegistry(kubernetesSteps({ kubeconfig: server.kubeConfig }));
  const registry = new ProviderRegistry().register(await requireProvider('providers/database-team', { steps }));
  const engine = createEngine({ steps, journal: store, encrypter });
  const orchestrator = createOrchestrator({ store, engine, registry });
  orchestrator.events.on('resource:transition', (e) => log.push(e.name + ': ' + (e.from ?? '-') + ' -> ' + e.to));
  orchestrator.start();
  const active = new Promise((resolve, reject) => orchestrator.events.on('resource:transition', (e) => {
    if (e.to === 'active') resolve();
    if (e.to === 'failed') reject(new Error(e.error?.code + ': ' + e.error?.message));
  }));
  const db = await orchestrator.submit({ application: 'my-app', name: 'db', type: 'postgres', properties: { size: 'small' } });
  await active;
  const record = await store.getResource(db.id);
  const outputs = redact(record.outputs);
  console.log(JSON.stringify({ log, host: outputs.host, password: outputs.password, revealed: /^[a-zA-Z0-9]{64}$/.test(reveal(record.outputs.password)) }));
  await orchestrator.stop({ graceMs: 1000 });
  await store.close();
  await cluster.close();
`;

const ESM = `import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aesGcmEncrypter, createEngine, createOrchestrator, ProviderRegistry, redact, reveal, StepRegistry } from '@innominatus/core';
import { requireProvider } from '@innominatus/provider-sdk';
import { kubernetesSteps } from '@innominatus/steps-kubernetes';
import { createMockCluster, zalandoPostgresOperator } from '@innominatus/steps-kubernetes/testing';
import { createSqliteStore } from '@innominatus/store-sql';
${GUIDE_BODY}`;

const CJS = `const { randomBytes } = require('node:crypto');
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { aesGcmEncrypter, createEngine, createOrchestrator, ProviderRegistry, redact, reveal, StepRegistry } = require('@innominatus/core');
const { requireProvider } = require('@innominatus/provider-sdk');
const { kubernetesSteps } = require('@innominatus/steps-kubernetes');
const { createMockCluster, zalandoPostgresOperator } = require('@innominatus/steps-kubernetes/testing');
const { createSqliteStore } = require('@innominatus/store-sql');
(async () => {${GUIDE_BODY}})().catch((error) => { console.error(error); process.exit(1); });
`;

const EXPECTED = {
  log: ['db: - -> requested', 'db: requested -> provisioning', 'db: provisioning -> active'],
  host: 'my-app-db.my-app.svc.cluster.local',
  password: '***',
  revealed: true,
};

/** Runs a program in the project, with this Node's options cleared. */
const inProject = (file: string, args: string[], env: Record<string, string> = {}): Promise<Exited> =>
  runProgram(file, args, project.dir, { ...process.env, NODE_OPTIONS: '', ...env });

/** Runs a script file of the project with this Node. */
function run(file: string, text: string, env: Record<string, string> = {}): Promise<Exited> {
  writeFileSync(join(project.dir, file), text);
  return inProject(process.execPath, [file], env);
}

/** The ```ts blocks of a package's README, in order. */
function readmeExamples(dir: string): string[] {
  const text = readFileSync(join(ROOT, 'packages', dir, 'README.md'), 'utf8');
  return [...text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}

let project: StrangerProject;
beforeAll(async () => {
  project = await strangerProject();
}, 600_000);

describe('the four tarballs installed with npm into a fresh project', () => {
  it('say what to install when a store driver is missing or its native addon is not built', async ({ expect }) => {
    removeSqliteAddon(project);
    const script = `const { createSqliteStore, createPostgresStore } = require('@innominatus/store-sql');
      (async () => {
        for (const make of [() => createPostgresStore({ connectionString: 'postgres://127.0.0.1:1/x' }), () => createSqliteStore({ filename: ':memory:' })]) {
          const e = await make().then(() => ({}), (e) => e);
          console.log(JSON.stringify({ code: e.code, message: e.message }));
        }
      })();`;
    const r = await run('drivers.cjs', script);
    expect(r.stderr).toBe('');
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toStrictEqual([
      { code: 'DRIVER_MISSING', message: "createPostgresStore() needs the package 'pg', which is not installed: run 'npm install pg'" },
      {
        code: 'DRIVER_MISSING',
        message:
          `better-sqlite3 is installed but its native addon cannot be loaded on Node.js ${process.version}: run 'npm rebuild better-sqlite3' ` +
          '(it builds from source when no prebuilt binary can be downloaded, which needs python3, make and a C++ compiler)',
      },
    ]);
  });

  // Timeouts are for the four at once on a loaded machine.
  describe.concurrent('with the SQLite addon built for this Node', () => {
    beforeAll(() => addSqliteAddon(project));

    it.for([
      ['an ES module', 'guide.mjs', ESM],
      ['CommonJS', 'guide.cjs', CJS],
    ] as const)("run the service author's guide as %s", { timeout: 120_000 }, async ([, file, text], { expect }) => {
      const r = await run(file, text);
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toStrictEqual(EXPECTED);
    });

    it("run each package README's example as an ES module", { timeout: 120_000 }, async ({ expect }) => {
      const [core] = readmeExamples('core');
      const [sdk] = readmeExamples('provider-sdk');
      // The second block continues the first (its imports); each ends by saying what it made.
      const [steps, inTests] = readmeExamples('steps-kubernetes');
      const imports = steps
        .split('\n')
        .filter((l) => l.startsWith('import '))
        .join('\n');
      const [sql] = readmeExamples('store-sql');
      rmSync(join(project.dir, 'my-provider'), { recursive: true, force: true });
      rmSync(join(project.dir, 'innominatus.db'), { force: true });
      const providerSdk = async () => {
        const init = await inProject(process.execPath, [
          'node_modules/@innominatus/provider-sdk/bin/provider-sdk.js',
          'init',
          'my-provider',
          '--name',
          'my-provider',
          '--type',
          'postgres',
        ]);
        expect(init.status, init.stderr).toBe(0);
        return run('readme-sdk.mjs', sdk);
      };
      // Each example is its own process and files: all at once.
      const examples = await Promise.all([
        run('readme-core.mjs', core),
        providerSdk(),
        run('readme-k8s.mjs', `${steps}console.log(typeof engine.run, steps.list().length > 0);\n`),
        run('readme-k8s-tests.mjs', `${imports}\n${inTests}console.log(steps.list().length > 0);\n`),
        // TypeScript's non-null assertion is the block's only TypeScript.
        run('readme-sql.mjs', `${sql.replace('INNOMINATUS_KEY!', 'INNOMINATUS_KEY')}console.log(typeof orchestrator.submit);\nawait store.close();\n`, {
          INNOMINATUS_KEY: 'ab'.repeat(32),
          DATABASE_URL: '',
        }),
      ]);
      expect(examples).toStrictEqual([
        { status: 0, stdout: 'hello world\n', stderr: '' },
        { status: 0, stdout: "my-provider [ 'provision-postgres', 'delete-postgres' ]\n", stderr: '' },
        { status: 0, stdout: 'function true\n', stderr: '' },
        { status: 0, stdout: 'true\n', stderr: '' },
        { status: 0, stdout: 'function\n', stderr: '' },
      ]);
    });

    it('validate a copy of the database-team provider with npx provider-sdk', { timeout: 120_000 }, async ({ expect }) => {
      const r = await inProject('npx', ['--no-install', 'provider-sdk', 'validate', 'providers/database-team'], { NO_COLOR: '1' });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.trim()).toMatch(/^✔ 1 provider valid \(\d+ workflows, 0 warnings\)$/);
    });
  });
});
