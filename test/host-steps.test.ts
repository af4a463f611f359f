import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHost, loadConfig, type Host } from '@innominatus/reference-host';
import { ADMIN_TOKEN, call, resourceInState, USER_TOKEN } from './support/e2e-host';

/** A step module as a provider team would ship it: plain ESM, a step definition without any import. */
const STEP_MODULE = `export const greet = {
  type: 'greet',
  version: '2.1.0',
  description: 'Greets a name',
  input: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false },
  output: { type: 'object', properties: { greeting: { type: 'string' } }, required: ['greeting'] },
  deferred: {},
  timeout: '5s',
  async run(input) { return { greeting: 'hello ' + input.name }; },
};
`;

function provider(name: string, type: string, requires: string, step: string): Record<string, string> {
  return {
    'provider.yaml': [
      'apiVersion: innominatus.io/v1',
      'kind: Provider',
      `metadata: { name: ${name}, version: 1.0.0 }`,
      'requires:',
      '  steps:',
      requires,
      'capabilities:',
      '  resourceTypeCapabilities:',
      `    - { type: ${type}, operations: { create: { workflow: make, parameters: { who: "\${{ resource.name }}" } } } }`,
      'workflows:',
      '  - { name: make, file: ./make.yaml, operation: create }',
      '',
    ].join('\n'),
    'make.yaml': [
      'apiVersion: innominatus.io/v1',
      'kind: Workflow',
      'metadata: { name: make }',
      'parameters: [{ name: who, type: string, required: true }]',
      `steps: [{ name: s, type: ${step}, with: { name: "\${{ parameters.who }}" } }]`,
      'outputs: { greeting: "${{ steps.s.outputs.greeting }}" }',
      '',
    ].join('\n'),
  };
}

function write(dir: string, files: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
}

describe('step modules from the host configuration', () => {
  let dir: string;
  let host: Host;
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'innominatus-host-steps-'));
    write(join(dir, 'steps'), { 'greet-steps.mjs': STEP_MODULE });
    write(join(dir, 'greeter'), provider('greeter', 'greeting', '    - { type: greet, version: "^2.0.0", from: ./steps/greet-steps.mjs }', 'greet'));
    write(join(dir, 'needy'), provider('needy', 'ping', '    - { type: redis-ping, version: "^1.0.0", from: "@acme/redis-steps" }', 'greet'));
    const text = [
      'server: { port: 0 }',
      'store: { url: memory }',
      'kubernetes: { mode: simulate }',
      `auth: { tokens: [{ name: admin, role: admin, token: ${ADMIN_TOKEN} }, { name: user, role: user, token: ${USER_TOKEN} }] }`,
      'steps: [./steps/greet-steps.mjs]',
      'providers:',
      '  - { name: greeter, type: filesystem, path: ./greeter }',
      '  - { name: needy, type: filesystem, path: ./needy }',
    ].join('\n');
    writeFileSync(join(dir, 'config.yaml'), text);
    host = await createHost({
      config: loadConfig({ file: join(dir, 'config.yaml'), env: {} }),
      cacheDir: join(dir, 'cache'),
      logDestination: new Writable({
        write(_c, _e, cb) {
          cb();
        },
      }),
    });
    url = await host.listen();
  }, 60_000);
  afterAll(async () => {
    await host?.close({ graceMs: 500 });
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads the module, registers the provider needing its step, and runs it for a Score resource', async () => {
    expect(host.notices).toContain('steps: ./steps/greet-steps.mjs: greet 2.1.0');
    const spec = 'apiVersion: score.dev/v1b1\nmetadata: { name: hi-app }\ncontainers: { main: { image: x } }\nresources: { world: { type: greeting } }\n';
    const id = (await call(url, 'POST', '/api/specs', { body: spec })).json.changes[0].id;
    const ready = await resourceInState(url, id, 'active');
    expect(ready.outputs).toEqual({ greeting: 'hello world' });
  });

  it('refuses a provider whose required step type is not loaded, saying where to get it', async () => {
    const { providers } = (await call(url, 'GET', '/api/providers', { token: ADMIN_TOKEN })).json;
    expect(providers.map((p: { name: string; status: string }) => [p.name, p.status])).toEqual([
      ['greeter', 'registered'],
      ['needy', 'failed'],
    ]);
    expect(providers[1].diagnostics).toEqual([
      {
        severity: 'error',
        code: 'STEP_TYPE_MISSING',
        message:
          "the provider needs step type 'redis-ping', which is not loaded; get it from '@acme/redis-steps': install it, then load it (provider-sdk --steps @acme/redis-steps; in the reference host, the configuration's steps: list)",
        file: 'provider.yaml',
        line: 6,
        col: 15,
      },
    ]);
  });
});

describe('a step module that cannot be loaded', () => {
  it('stops the start with STEPS_MODULE_INVALID naming the entry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'innominatus-host-steps-'));
    try {
      write(join(dir, 'steps'), { 'again.mjs': STEP_MODULE.replace("type: 'greet'", "type: 'kubernetes-apply'") });
      const start = (steps: string) =>
        createHost({
          config: loadConfig({ text: `store: { url: memory }\nkubernetes: { mode: simulate }\nsteps: [${steps}]\n`, baseDir: dir, env: {} }),
          cacheDir: join(dir, 'cache'),
          logDestination: new Writable({
            write(_c, _e, cb) {
              cb();
            },
          }),
        });
      await expect(start('./steps/missing.mjs')).rejects.toMatchObject({
        code: 'STEPS_MODULE_INVALID',
        message: `steps[0] ('./steps/missing.mjs'): cannot load steps module './steps/missing.mjs': no file '${join(dir, 'steps/missing.mjs')}'`,
      });
      await expect(start('./steps/again.mjs')).rejects.toMatchObject({
        code: 'STEPS_MODULE_INVALID',
        message: "steps[0] ('./steps/again.mjs') defines step type 'kubernetes-apply', which is already defined by the Kubernetes steps",
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
