import { describe, expect, it } from 'vitest';
import { checkBuilt } from './support/built-packages';

describe('checkBuilt', () => {
  it('names a package without a build and what needs it', () => {
    expect(() => checkBuilt(['no-such-package'], 'the X tests run on the built packages')).toThrow(
      "packages/no-such-package is not built: the X tests run on the built packages; run 'pnpm build'",
    );
  });
});
