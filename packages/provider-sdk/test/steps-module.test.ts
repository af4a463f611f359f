import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CORE_VERSION } from '@innominatus/core';
import { SDK_VERSION } from '../src/version';
import { writeProvider } from './helpers/fixtures';
import { runCli, TEST_STEPS } from './helpers/run-cli';

const ROOT = join(__dirname, '../../..');
/** The CommonJS build of core: another copy of the package than the one these tests import. */
const CORE_CJS = join(ROOT, 'packages/core/dist/index.cjs');

/** A steps module exporting a StepRegistry made by another copy of core. */
const FOREIGN_STEPS = `import { createRequire } from 'node:module';
const core = createRequire(import.meta.url)(${JSON.stringify(CORE_CJS)});
const step = core.defineStep({ type: 'extra-step', description: 'from another copy of core', timeout: '5s',
  input: core.Type.Object({}), output: core.Type.Object({}), async run() { return {}; } });
export default new core.StepRegistry([step]);
`;

describe('provider-sdk --steps <module>', () => {
  it('takes a bare relative path as a path, and a StepRegistry from another copy of core', async () => {
    const dir = await writeProvider();
    mkdirSync(join(dir, 'steps'));
    writeFileSync(join(dir, 'steps/extra.mjs'), FOREIGN_STEPS);
    const r = await runCli(['validate', '.', '--steps', TEST_STEPS, '--steps', 'steps/extra.mjs'], dir);
    expect(r).toStrictEqual({ code: 0, stdout: '✔ 1 provider valid (2 workflows, 0 warnings)\n', stderr: '' });
  });

  it('names the file it looked for, and for a name the package it looked for', async () => {
    const dir = await writeProvider();
    expect(await runCli(['validate', '.', '--steps', './nope.mjs'], dir)).toStrictEqual({
      code: 2,
      stdout: '',
      stderr: `error: cannot load steps module './nope.mjs': no file '${join(dir, 'nope.mjs')}'\n`,
    });
    expect(await runCli(['validate', '.', '--steps', 'no-such-steps-package'], dir)).toStrictEqual({
      code: 2,
      stdout: '',
      stderr: `error: cannot find steps module 'no-such-steps-package': no file '${join(dir, 'no-such-steps-package')}' and no package 'no-such-steps-package' installed for '${dir}'\n`,
    });
  });

  it('says how to load a TypeScript module on a Node.js that cannot run TypeScript (built CLI)', async () => {
    const dir = await writeProvider();
    writeFileSync(join(dir, 'extra.ts'), FOREIGN_STEPS.replace('export default', 'const registry: unknown =') + 'export default registry;\n');
    const cli = join(ROOT, 'packages/provider-sdk/bin/provider-sdk.js');
    const run = promisify(execFile)(process.execPath, [cli, 'validate', '.', '--steps', './extra.ts'], { cwd: dir, env: { ...process.env, NODE_OPTIONS: '' } });
    if ((process.features as { typescript?: unknown }).typescript) {
      // Node.js that strips types itself loads the module.
      await expect(run).resolves.toMatchObject({ stdout: expect.stringMatching(/^✔ 1 provider valid/) });
      return;
    }
    await expect(run).rejects.toMatchObject({
      code: 2,
      stderr:
        `error: cannot load steps module './extra.ts': Node.js ${process.version} does not run TypeScript by itself. ` +
        "Run the CLI with a TypeScript loader (npm install -D tsx, then NODE_OPTIONS='--import tsx' npx provider-sdk ...) or give --steps the compiled JavaScript\n",
    });
  });
});

describe('TypeScript step modules with a loader', () => {
  it("loads .ts modules with NODE_OPTIONS='--import tsx' (built CLI), as the docs say", async () => {
    const dir = await writeProvider({
      'workflows/delete-postgres.yaml': [
        'apiVersion: innominatus.io/v1',
        'kind: Workflow',
        'metadata: { name: delete-postgres }',
        'parameters: [{ name: db_name, type: string, required: true }]',
        'steps: [{ name: bye, type: typed-greet, with: { name: "${{ parameters.db_name }}", times: 2 } }]',
        '',
      ].join('\n'),
    });
    // TypeScript only a loader can run: an interface, annotations, a type-only import, a cast.
    writeFileSync(
      join(dir, 'typed-steps.ts'),
      [
        "import type { StepDefinition } from '@innominatus/core';",
        'interface GreetInput { name: string; times: number }',
        'const input = { type: "object", properties: { name: { type: "string" }, times: { type: "integer" } }, required: ["name"], additionalProperties: false };',
        'export const typedGreet = {',
        "  type: 'typed-greet', description: 'Greets', input, output: { type: 'object' }, deferred: {}, timeout: '5s',",
        '  async run(i: GreetInput): Promise<{ greeting: string }> { return { greeting: `hi ${i.name}`.repeat(i.times) }; },',
        '} as unknown as StepDefinition;',
        '',
      ].join('\n'),
    );
    const cli = join(ROOT, 'packages/provider-sdk/bin/provider-sdk.js');
    // `--import tsx` resolves tsx from the working directory: the repository root, where it is installed.
    const r = await promisify(execFile)(process.execPath, [cli, 'validate', dir, '--steps', TEST_STEPS, '--steps', join(dir, 'typed-steps.ts')], {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '--import tsx' },
    });
    expect(r).toEqual({ stdout: '✔ 1 provider valid (2 workflows, 0 warnings)\n', stderr: '' });
  }, 60_000);
});

describe('provider-sdk --version', () => {
  it("prints the SDK's and core's versions, which are the packages' versions", async () => {
    expect(await runCli(['--version'], ROOT)).toStrictEqual({ code: 0, stdout: `1.0.0 (@innominatus/core 1.0.0)\n`, stderr: '' });
    const version = (pkg: string) => (JSON.parse(readFileSync(join(ROOT, 'packages', pkg, 'package.json'), 'utf8')) as { version: string }).version;
    expect(SDK_VERSION).toBe(version('provider-sdk'));
    expect(CORE_VERSION).toBe(version('core'));
  });
});
