import { describe, expect, it } from 'vitest';
import { isTransient, toKubernetesError } from '../src/client/api-errors';
import { KubernetesError } from '../src/errors';

// A query string makes the module loader evaluate the file a second time: the classes of a second copy of the
// package (as a `--steps` module of the provider-sdk CLI brings its own).
const secondCopy = '../src/errors.ts?second-copy';
const other = (await import(/* @vite-ignore */ secondCopy)) as typeof import('../src/errors');
const target = { verb: 'get', resource: 'secrets', name: 'db', namespace: 'shop' };

describe('KubernetesError.is: a brand that holds across copies of the package', () => {
  it('recognises a KubernetesError of either copy, and nothing else', () => {
    const foreign = new other.KubernetesError('K8S_NOT_FOUND', 'secrets "db" in namespace "shop" not found', { status: 404 });
    expect(foreign instanceof KubernetesError).toBe(false);
    expect(KubernetesError.is(foreign)).toBe(true);
    expect(other.KubernetesError.is(new KubernetesError('K8S_FORBIDDEN', 'denied'))).toBe(true);
    expect(KubernetesError.is(new other.KubernetesConfigError('no kubeconfig'))).toBe(false);
    expect(KubernetesError.is({ code: 'K8S_NOT_FOUND', kubernetesCode: 'K8S_NOT_FOUND' })).toBe(false);
    expect(KubernetesError.is(null)).toBe(false);
  });

  it("keeps another copy's error as it keeps its own: retryable as it says, not wrapped again", () => {
    for (const copy of [other, { KubernetesError }]) {
      // No HTTP status (a connection that kept failing): only the error's own `retryable` says it is transient.
      const unavailable = new copy.KubernetesError('K8S_UNAVAILABLE', 'get secrets "db" in namespace "shop": connection reset');
      expect(isTransient(unavailable)).toBe(true);
      expect(toKubernetesError(unavailable, target)).toBe(unavailable);
    }
  });
});
