import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kubernetesSteps, STEPS_KUBERNETES_VERSION } from '@innominatus/steps-kubernetes';

describe('STEPS_KUBERNETES_VERSION', () => {
  it("is package.json's version, and every step type's", () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(STEPS_KUBERNETES_VERSION).toBe(pkg.version);
    expect(kubernetesSteps().map((s) => [s.type, s.version])).toEqual([
      ['kubernetes-apply', pkg.version],
      ['wait-for-condition', pkg.version],
      ['read-secret', pkg.version],
      ['generate-secret', pkg.version],
      ['kubernetes-delete', pkg.version],
    ]);
  });
});
