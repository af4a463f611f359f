import { describe, expect, it } from 'vitest';
import { defineStep, Type } from '@innominatus/core';
import { PROVIDER_YAML, writeProvider } from './helpers/fixtures';
import { runCli, TEST_STEPS } from './helpers/run-cli';

/** provider.yaml with a `requires` block after `compatibility`. */
function requiring(block: string): string {
  return PROVIDER_YAML.replace('capabilities:', `requires:\n  steps:\n${block}capabilities:`);
}

describe('provider.yaml requires.steps', () => {
  it('passes when every required step type is loaded in a version the range accepts', async () => {
    const dir = await writeProvider({
      'provider.yaml': requiring(
        '    - { type: test-apply, version: "^1.4.0", from: "@acme/test-steps" }\n    - { type: kubernetes-apply, version: ">=1.0.0 <2.0.0" }\n',
      ),
    });
    const r = await runCli(['validate', dir, '--steps', TEST_STEPS], dir);
    expect([r.code, r.stderr]).toEqual([0, '']);
  });

  it('names a missing step type and where to get it, at its line in provider.yaml', async () => {
    const dir = await writeProvider({ 'provider.yaml': requiring('    - type: test-apply\n      from: "@acme/test-steps"\n') });
    const r = await runCli(['validate', dir, '--format', 'json'], dir);
    expect(r.code).toBe(1);
    const diagnostics = JSON.parse(r.stdout).diagnostics as Array<Record<string, unknown>>;
    expect(diagnostics.find((d) => d.code === 'STEP_TYPE_MISSING')).toEqual({
      code: 'STEP_TYPE_MISSING',
      severity: 'error',
      message:
        "the provider needs step type 'test-apply', which is not loaded; get it from '@acme/test-steps': install it, then load it (provider-sdk --steps @acme/test-steps; in the reference host, the configuration's steps: list)",
      file: 'provider.yaml',
      line: 12,
      col: 13,
      pointer: '/requires/steps/0/type',
    });
  });

  it('says so when provider.yaml does not say where a missing type comes from', async () => {
    const dir = await writeProvider({ 'provider.yaml': requiring('    - type: redis-ping\n') });
    const r = await runCli(['validate', dir, '--steps', TEST_STEPS], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "provider.yaml:12:13: error: the provider needs step type 'redis-ping', which is not loaded; provider.yaml does not say where to get it (add from: to this entry) [STEP_TYPE_MISSING]",
    );
  });

  it('refuses a loaded version outside the range, a step without a version, and a range that does not parse', async () => {
    const dir = await writeProvider({
      'provider.yaml': requiring(
        [
          '    - { type: test-apply, version: "^2.0.0", from: "@acme/test-steps" }',
          '    - { type: test-wait, version: "^1.0.0" }',
          '    - { type: test-credentials, version: "one point oh" }',
          '',
        ].join('\n'),
      ),
    });
    const r = await runCli(['validate', dir, '--steps', TEST_STEPS], dir);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('provider.yaml'));
    expect(lines).toEqual([
      "provider.yaml:12:36: error: the provider needs step type 'test-apply' ^2.0.0 (from @acme/test-steps); the loaded one is version 1.4.2 [STEP_VERSION_MISMATCH]",
      "provider.yaml:13:35: error: the provider needs step type 'test-wait' ^1.0.0; the loaded one declares no version [STEP_VERSION_MISMATCH]",
      "provider.yaml:14:42: error: 'one point oh' is not a semver range (e.g. ^1.2.0, >=1.0.0 <2.0.0) [STEP_VERSION_RANGE_INVALID]",
    ]);
  });

  it('defineStep refuses a version that is not semver', () => {
    expect(() =>
      defineStep({ type: 'x', version: '1.0', description: '', input: Type.Object({}), output: Type.Object({}), timeout: '1s', run: async () => ({}) }),
    ).toThrow("step type 'x': version '1.0' is not a semantic version (e.g. '1.2.0')");
  });
});
