import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InnominatusError } from '../src/index';
import { checkNodeSupport, SUPPORTED_NODE } from '../src/internal/index';

const ROOT = join(import.meta.dirname, '../../..');

describe('checkNodeSupport', () => {
  it('passes on a Node.js that can require() ES modules', () => {
    expect(checkNodeSupport('the tool', { version: 'v20.19.0', requireModule: true })).toBeUndefined();
  });

  it.each([
    ['v20.18.3', undefined],
    ['v22.11.0', false],
  ])('refuses Node.js %s with NODE_UNSUPPORTED naming the version and the supported ones', (version, requireModule) => {
    let thrown: unknown;
    try {
      checkNodeSupport('@innominatus/steps-kubernetes', { version, requireModule });
    } catch (err) {
      thrown = err;
    }
    expect(InnominatusError.is(thrown)).toBe(true);
    expect((thrown as InnominatusError).describe()).toBe(
      `@innominatus/steps-kubernetes needs Node.js ^20.19.0 || >=22.12.0 (a Node.js that can require() ES modules); this is Node.js ${version}: upgrade Node.js [NODE_UNSUPPORTED]`,
    );
  });

  it('states the engines.node of the root and of every package', () => {
    for (const manifest of ['package.json', ...['core', 'provider-sdk', 'steps-kubernetes', 'store-sql'].map((p) => `packages/${p}/package.json`)]) {
      expect({ manifest, node: JSON.parse(readFileSync(join(ROOT, manifest), 'utf8')).engines.node }).toStrictEqual({ manifest, node: SUPPORTED_NODE });
    }
  });
});
