import { describe, expect, it } from 'vitest';
import { analyzeWorkflow, createEngine, defineStep, isSensitive, reveal, StepRegistry, stepOutputSchema, Type } from '../src/index';
import { workflow } from './helpers';

/**
 * A step whose outputs are sensitive except the keys its `with` lists as
 * `plain`. Its run returns every value as a plain string: what is sensitive
 * comes from the output schema for this `with` alone.
 */
const vaultRead = defineStep({
  type: 'vault-read',
  description: 'Returns fixed credentials',
  input: Type.Object({ plain: Type.Optional(Type.Unknown()) }),
  output: Type.Object({ data: Type.Record(Type.String(), Type.String({ 'x-sensitive': true })) }),
  outputFor: (written) => {
    const plain = Array.isArray(written.plain) ? written.plain.filter((k): k is string => typeof k === 'string') : [];
    return Type.Object({
      data: Type.Object(Object.fromEntries(plain.map((k) => [k, Type.String()])), { additionalProperties: Type.String({ 'x-sensitive': true }) }),
    });
  },
  timeout: '5s',
  async run() {
    return { data: { username: 'app_user', password: 'hunter2-secret' } };
  },
});

const OUTPUTS = {
  user: '${{ steps.creds.outputs.data.username }}',
  pass: { value: '${{ steps.creds.outputs.data.password }}', sensitive: true },
};

describe('per-input output sensitivity (outputFor)', () => {
  it('stepOutputSchema gives the output schema for the written with, or output without the hook', () => {
    expect(stepOutputSchema(vaultRead, { plain: ['username'] })).toMatchObject({
      properties: { data: { properties: { username: { type: 'string' } }, additionalProperties: { 'x-sensitive': true } } },
    });
    expect(stepOutputSchema(vaultRead, undefined)).toMatchObject({ properties: { data: { properties: {} } } });
    const { outputFor: _hook, ...withoutHook } = vaultRead;
    const plainStep = defineStep({ ...withoutHook, type: 'no-hook' });
    expect(stepOutputSchema(plainStep, { plain: ['username'] })).toBe(plainStep.output);
  });

  it('the engine marks the outputs the schema for this with marks: a plain key stays plain, the rest sensitive', async () => {
    const engine = createEngine({ steps: [vaultRead] });
    const r = await engine.run(workflow({ steps: [{ name: 'creds', type: 'vault-read', with: { plain: ['username'] } }], outputs: OUTPUTS }));
    expect(r.outputs.user).toBe('app_user');
    expect(isSensitive(r.outputs.pass)).toBe(true);
    expect(reveal(r.outputs.pass)).toBe('hunter2-secret');
    expect(JSON.stringify(r.outputs)).toBe('{"user":"app_user","pass":"***"}');
  });

  it('the engine asks for the schema when it compiles the workflow, not again at each run', async () => {
    let asked = 0;
    const counted = defineStep({ ...vaultRead, type: 'vault-read', outputFor: (written) => (asked++, vaultRead.outputFor!(written)) });
    const engine = createEngine({ steps: [counted] });
    const wf = workflow({ steps: [{ name: 'creds', type: 'vault-read', with: { plain: ['username'] } }], outputs: OUTPUTS });
    const first = await engine.run(wf);
    const compiled = asked;
    const again = await engine.run(wf);
    expect(compiled).toBeGreaterThan(0);
    expect(asked).toBe(compiled);
    for (const r of [first, again]) {
      expect(r.outputs.user).toBe('app_user');
      expect(isSensitive(r.outputs.pass)).toBe(true);
    }
  });

  it('without plain keys, the engine marks every value sensitive although the step returned plain strings', async () => {
    const engine = createEngine({ steps: [vaultRead] });
    const r = await engine.run(
      workflow({
        steps: [{ name: 'creds', type: 'vault-read', with: {} }],
        outputs: { user: { value: '${{ steps.creds.outputs.data.username }}', sensitive: true }, pass: OUTPUTS.pass },
      }),
    );
    expect(JSON.stringify(r.outputs)).toBe('{"user":"***","pass":"***"}');
    expect(reveal(r.outputs.user)).toBe('app_user');
  });

  it('the analysis knows the plain key is not sensitive, and still flags a sensitive one reaching an unmarked output', () => {
    const registry = new StepRegistry().register(vaultRead);
    const analyze = (withBlock: Record<string, unknown>, outputs: Record<string, unknown>) =>
      analyzeWorkflow(workflow({ steps: [{ name: 'creds', type: 'vault-read', with: withBlock }], outputs }), registry).issues.map((i) => [i.code, i.message]);
    expect(analyze({ plain: ['username'] }, OUTPUTS)).toEqual([]);
    expect(
      analyze({ plain: ['username'] }, { ...OUTPUTS, url: '${{ "redis://" + steps.creds.outputs.data.username + ":" + steps.creds.outputs.data.password }}' }),
    ).toEqual([
      [
        'SENSITIVE_OUTPUT_NOT_MARKED',
        `output 'url' is computed from sensitive step output 'steps["creds"].outputs.data.password' but is not marked 'sensitive: true'`,
      ],
    ]);
    // Without the plain key (or with a computed list, which the hook does not read), the username is sensitive too.
    for (const withBlock of [{}, { plain: '${{ ["username"] }}' }]) {
      expect(analyze(withBlock, OUTPUTS)).toEqual([
        [
          'SENSITIVE_OUTPUT_NOT_MARKED',
          `output 'user' is computed from sensitive step output 'steps["creds"].outputs.data.username' but is not marked 'sensitive: true'`,
        ],
      ]);
    }
  });
});
