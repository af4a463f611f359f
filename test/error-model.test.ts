import { describe, expect, it } from 'vitest';
import { aesGcmEncrypter, defineStep, InnominatusError, parseDuration, Type } from '@innominatus/core';
import { ProviderInvalidError, ProviderSdkError } from '@innominatus/provider-sdk';
import { createKubernetesClient, KubernetesConfigError } from '@innominatus/steps-kubernetes';

// One error model across the packages: every error is an InnominatusError
// (branded, a stable code, retryable, cause, and a position when a document said where).
describe('the error model', () => {
  it('recognises an error made by a second copy of core (the brand is a Symbol.for key)', async () => {
    // A query string makes the module loader evaluate the file a second time: a second copy of the classes.
    const secondCopy = '../packages/core/src/errors.ts?second-copy';
    const copy = (await import(/* @vite-ignore */ secondCopy)) as typeof import('@innominatus/core');
    expect(copy.InnominatusError).not.toBe(InnominatusError);
    const foreign = new copy.StoreError('LEASE_LOST', "lease on resource 'r' was lost");
    expect(foreign instanceof InnominatusError).toBe(false);
    expect(InnominatusError.is(foreign)).toBe(true);
    expect(InnominatusError.from(foreign)).toBe(foreign);
    expect(InnominatusError.is(new Error('plain'))).toBe(false);
    expect(InnominatusError.is({ code: 'LEASE_LOST', message: 'look-alike' })).toBe(false);
  });

  it('maps an unknown error to INTERNAL, keeping the original as cause', () => {
    const raw = new TypeError('x is not a function');
    const e = InnominatusError.from(raw);
    expect([e.code, e.message, e.retryable, e.cause]).toEqual(['INTERNAL', 'x is not a function', false, raw]);
    expect(InnominatusError.from('thrown text')).toMatchObject({ code: 'INTERNAL', message: 'thrown text' });
  });

  it('codes the errors of factories: defineStep, parseDuration, the encrypter', () => {
    expect(() =>
      defineStep({
        type: 'Not_Kebab',
        description: 'bad name',
        timeout: '1s',
        input: Type.Object({}),
        output: Type.Object({}),
        async run() {
          return {};
        },
      }),
    ).toThrowError(expect.objectContaining({ code: 'STEP_TYPE_INVALID', message: "step type 'Not_Kebab' must be kebab-case (e.g. 'kubernetes-apply')" }));
    expect(() => parseDuration('10 minutes')).toThrowError(
      expect.objectContaining({ code: 'DURATION_INVALID', message: "invalid duration '10 minutes' (use e.g. 500ms, 30s, 10m, 1h30m)" }),
    );
    expect(() => parseDuration(-1)).toThrowError(expect.objectContaining({ code: 'DURATION_INVALID', message: 'invalid duration -1' }));
    expect(() => aesGcmEncrypter('abcd')).toThrowError(expect.objectContaining({ code: 'KEY_INVALID' }));
  });

  it('gives the provider SDK and the Kubernetes steps the same model, with their own codes', () => {
    const sdk = new ProviderSdkError('GIT_FAILED', 'git clone failed', { cause: new Error('exit 128') });
    expect([InnominatusError.is(sdk), sdk.code, sdk.retryable, sdk.name, (sdk.cause as Error).message]).toEqual([
      true,
      'GIT_FAILED',
      false,
      'ProviderSdkError',
      'exit 128',
    ]);
    const invalid = new ProviderInvalidError('provider x', [
      { severity: 'error', code: 'SCHEMA', message: 'bad', file: 'provider.yaml', line: 3, col: 5 } as never,
    ]);
    expect([invalid.code, invalid.position, invalid.describe()]).toEqual([
      'PROVIDER_INVALID',
      { file: 'provider.yaml', line: 3, col: 5 },
      'provider.yaml:3:5: provider x has 1 error: provider.yaml:3:5: bad [SCHEMA] [PROVIDER_INVALID]',
    ]);
    let config: unknown;
    try {
      createKubernetesClient({ kubeconfig: '/nonexistent/kubeconfig' });
    } catch (e) {
      config = e;
    }
    expect(config).toBeInstanceOf(KubernetesConfigError);
    expect(InnominatusError.is(config)).toBe(true);
    expect(config).toMatchObject({
      code: 'K8S_CONFIG_INVALID',
      name: 'KubernetesConfigError',
      message: "kubeconfig file '/nonexistent/kubeconfig' does not exist",
    });
  });
});
