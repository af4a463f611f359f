import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { defaultSteps, workflowSchemaWithSteps, workflowSchema } from '../src/index';
import { StepRegistry } from '@innominatus/core';
import { runCli, TEST_STEPS } from './helpers/run-cli';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));

/** Every workflow file of the repository's providers and of this package's fixtures. */
function workflowFiles(): string[] {
  const files: string[] = [];
  for (const base of ['providers', 'packages/provider-sdk/test/fixtures']) {
    for (const dir of readdirSync(`${REPO}${base}`)) {
      const wf = `${REPO}${base}/${dir}/workflows`;
      let names: string[] = [];
      try {
        names = readdirSync(wf);
      } catch {
        continue;
      }
      files.push(...names.filter((n) => n.endsWith('.yaml')).map((n) => `${wf}/${n}`));
    }
  }
  return files;
}

function validator(schema: Record<string, unknown>) {
  const ajv = new Ajv({ allErrors: true, strict: false });
  ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule)(ajv);
  const validate = ajv.compile(schema);
  return (doc: unknown) => (validate(doc) ? [] : (validate.errors ?? []).map(({ instancePath, message, params }) => ({ instancePath, message, params })));
}

const wf = (steps: unknown[]) => ({ apiVersion: 'innominatus.io/v1', kind: 'Workflow', metadata: { name: 'w' }, steps });

describe('the workflow schema for editors, with step inputs', () => {
  it("accepts every workflow of the repository's providers and fixtures", async () => {
    const check = validator(workflowSchemaWithSteps(new StepRegistry(await defaultSteps())));
    const files = workflowFiles();
    expect(
      files
        .map((f) => f.slice(REPO.length))
        .filter((f) => f.startsWith('providers/'))
        .sort(),
    ).toEqual([
      'providers/cache-team/workflows/delete-redis.yaml',
      'providers/cache-team/workflows/provision-redis.yaml',
      'providers/cache-team/workflows/update-redis.yaml',
      'providers/database-team/workflows/delete-postgres.yaml',
      'providers/database-team/workflows/provision-postgres.yaml',
      'providers/database-team/workflows/update-postgres.yaml',
    ]);
    for (const f of files) expect(check(parse(readFileSync(f, 'utf8'))), f).toEqual([]);
  });

  it("checks a step's with: a misspelled field, a value of the wrong type, a type that is not loaded", async () => {
    const check = validator(workflowSchemaWithSteps(new StepRegistry(await defaultSteps())));
    const resource = { apiVersion: 'v1', kind: 'ConfigMap', name: 'x' };
    expect(check(wf([{ name: 'w', type: 'wait-for-condition', with: { resource, sucessWhen: 'true' } }]))).toContainEqual({
      instancePath: '/steps/0/with',
      message: 'must NOT have additional properties',
      params: { additionalProperty: 'sucessWhen' },
    });
    expect(check(wf([{ name: 'r', type: 'read-secret', with: { name: 'db', wait: 'yes' } }]))).toContainEqual({
      instancePath: '/steps/0/with/wait',
      message: 'must be boolean',
      params: { type: 'boolean' },
    });
    expect(check(wf([{ name: 'r', type: 'redis-ping', with: {} }]))).toContainEqual({
      instancePath: '/steps/0/type',
      message: 'must be equal to one of the allowed values',
      params: { allowedValues: ['kubernetes-apply', 'wait-for-condition', 'read-secret', 'generate-secret', 'kubernetes-delete'] },
    });
  });

  it('takes a ${{ }} expression for any input value, and deferred CEL as it is', async () => {
    const check = validator(workflowSchemaWithSteps(new StepRegistry(await defaultSteps())));
    const steps = [
      { name: 'r', type: 'read-secret', with: { name: '${{ vars.secret }}', wait: '${{ parameters.wait }}', keys: '${{ vars.keys }}' } },
      { name: 'w', type: 'wait-for-condition', with: { resource: '${{ vars.ref }}', successWhen: 'object.status.ready == true' } },
    ];
    expect(check(wf(steps))).toEqual([]);
    // Not an expression: a plain string is still checked against the field's type.
    expect(check(wf([{ name: 'r', type: 'read-secret', with: { name: 'db', wait: 'vars.wait' } }]))).toContainEqual(
      expect.objectContaining({ instancePath: '/steps/0/with/wait', message: 'must be boolean' }),
    );
  });

  it('`provider-sdk schema workflow --steps` includes the module’s step types', async () => {
    const r = await runCli(['schema', 'workflow', '--steps', TEST_STEPS], REPO);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout);
    const types = (schema.properties.steps.items.allOf as Array<{ if: { properties: { type: { const: string } } } }>).map((a) => a.if.properties.type.const);
    expect(types.slice(0, 5)).toEqual(['kubernetes-apply', 'wait-for-condition', 'read-secret', 'generate-secret', 'kubernetes-delete']);
    expect(types).toContain('test-apply');
    const check = validator(schema);
    expect(check(wf([{ name: 'a', type: 'test-apply', with: { manifest: { kind: 'A', metadata: { name: 'a' } }, replicas: '${{ parameters.n }}' } }]))).toEqual(
      [],
    );
    expect(check(wf([{ name: 'a', type: 'test-apply', with: { manifest: { kind: 'A', metadata: { name: 'a' } }, replicas: 'two' } }]))).toContainEqual(
      expect.objectContaining({ instancePath: '/steps/0/with/replicas', message: 'must be integer' }),
    );
    // The onFailure steps are typed as the steps are; everything else is the shipped shape schema.
    expect(schema.properties.onFailure.items).toEqual(schema.properties.steps.items);
    expect(
      check({
        ...wf([{ name: 'a', type: 'test-apply', with: { manifest: { kind: 'A', metadata: { name: 'a' } } } }]),
        onFailure: [{ name: 'b', type: 'test-aply' }],
      }),
    ).toContainEqual(expect.objectContaining({ instancePath: '/onFailure/0/type', message: 'must be equal to one of the allowed values' }));
    expect({ ...schema, properties: { ...schema.properties, steps: undefined, onFailure: undefined } }).toEqual({
      ...workflowSchema,
      properties: { ...(workflowSchema.properties as object), steps: undefined, onFailure: undefined },
    });
    expect((await runCli(['schema', 'provider', '--steps', TEST_STEPS], REPO)).stderr).toBe('error: --steps applies to the workflow schema only\n');
  });
});
