import { describe, expect, it } from 'vitest';
import { mapParameters } from '@innominatus/core';
import { formatDiagnostic } from '../src/diagnostics/diagnostic';
import { loadRegistry } from '../src/load/load-registry';
import { testSteps } from './helpers/test-steps';
import { PROVIDER_YAML, writeProvider, writeTree } from './helpers/fixtures';

describe('loadRegistry', () => {
  it('registers valid providers, reports conflicts at the second provider, and resolves requests', async () => {
    const root = await writeTree({});
    const first = await writeProvider();
    const second = await writeProvider({
      'provider.yaml': PROVIDER_YAML.replace('name: database-team', 'name: other-team')
        .replace('    - type: postgres\n', '    - type: pg\n')
        .replace('aliasFor: postgres', 'aliasFor: pg'),
    });
    const { registry, diagnostics } = await loadRegistry([first, second], { steps: testSteps(), displayRoot: root });
    const rel = second.split('/').pop();
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      `../${rel}/provider.yaml:4:9: error: resource type 'postgresql' is claimed by providers 'database-team' (alias for 'postgres') and 'other-team' (alias for 'pg') [PROVIDER_CONFLICT]`,
    ]);
    expect(registry.types()).toEqual(['postgres', 'postgresql']);
    const r = registry.resolve('postgresql', 'create');
    expect(mapParameters(r, { name: 'orders', type: 'postgresql', application: 'shop', properties: { size: 'large' }, operation: 'create' })).toEqual({
      size: 'large',
      db_name: 'orders',
      namespace: 'shop',
    });
  });
});
