import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

// The test command builds every package first (scripts/setup.sh). This checks
// what a user would install: each entry of each exports map loads with
// require() and with import in a plain Node process (no source condition, as
// in a user's project), exposes the same names both ways, and ships types.
// One process per package and module system loads every entry (a process
// start is most of the cost); ES modules and CommonJS never share a process.
const root = join(__dirname, '..');
const packages = ['core', 'provider-sdk', 'steps-kubernetes', 'store-sql'];

function node(code: string, cwd: string): string {
  return execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
}

/** What loading one entry gave: its export names, sorted, or the message it failed with. */
type Loaded = { keys: string[] } | { error: string };

/** Loads every specifier in one process, with `import` or with `require`. */
function loadAll(specifiers: string[], how: 'import' | 'require', cwd: string): Record<string, Loaded> {
  const load = how === 'import' ? 'await import(s)' : "createRequire(process.cwd() + '/package.json')(s)";
  const code = `import { createRequire } from 'node:module';
    const out = {};
    for (const s of ${JSON.stringify(specifiers)}) {
      try { out[s] = { keys: Object.keys(${load}).sort() }; } catch (e) { out[s] = { error: e.message }; }
    }
    console.log(JSON.stringify(out));`;
  return JSON.parse(node(code, cwd)) as Record<string, Loaded>;
}

interface Target {
  import?: { types: string; default: string };
  require?: { types: string; default: string };
}

describe.each(packages)('the built @innominatus/%s', (name) => {
  const dir = join(root, 'packages', name);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; exports: Record<string, Target | string> };
  const entries = Object.entries(manifest.exports).filter(([, t]) => typeof t === 'object' && t.import);
  const specifier = (entry: string) => `${manifest.name}${entry.slice(1)}`;
  let imported: Record<string, Loaded>;
  let required: Record<string, Loaded>;
  beforeAll(() => {
    imported = loadAll(
      entries.map(([e]) => specifier(e)),
      'import',
      dir,
    );
    required = loadAll(
      entries.filter(([, t]) => (t as Target).require).map(([e]) => specifier(e)),
      'require',
      dir,
    );
  }, 120_000);

  it.each(entries.map(([e]) => e))('%s loads with import and require, with type declarations', (entry) => {
    const target = manifest.exports[entry] as Target;
    for (const file of [target.import!.types, target.import!.default, ...(target.require ? [target.require.types, target.require.default] : [])]) {
      expect(existsSync(join(dir, file)), `${specifier(entry)}: ${file} exists`).toBe(true);
    }
    const esm = imported[specifier(entry)]!;
    expect(esm).toHaveProperty('keys');
    const esmKeys = (esm as { keys: string[] }).keys;
    expect(esmKeys.length).toBeGreaterThan(0);
    if (target.require && entry === './testing/store-conformance') {
      // It runs under the caller's vitest, which refuses require() and says to use import.
      expect(required[specifier(entry)]).toStrictEqual({
        error: expect.stringContaining('Vitest cannot be imported in a CommonJS module using require(). Please use "import" instead.'),
      });
    } else if (target.require) {
      expect(required[specifier(entry)]).toStrictEqual({ keys: esmKeys.filter((k) => k !== 'default') });
    }
  });
});

describe('the built packages work together', () => {
  it('runs a workflow with the CommonJS build of core', () => {
    const out = node(
      `import { createRequire } from 'node:module';
       const core = createRequire(process.cwd() + '/package.json')('@innominatus/core');
       const step = core.defineStep({ type: 'greet', description: 'greets', input: core.Type.Object({ name: core.Type.String() }),
         output: core.Type.Object({ text: core.Type.String() }), timeout: '5s', async run(i) { return { text: 'hello ' + i.name }; } });
       const r = await core.createEngine({ steps: [step] }).run({ apiVersion: 'innominatus.io/v1', kind: 'Workflow', metadata: { name: 'hi' },
         parameters: [{ name: 'who', type: 'string' }], steps: [{ name: 'g', type: 'greet', with: { name: '\${{ parameters.who }}' } }],
         outputs: { text: '\${{ steps["g"].outputs.text }}' } }, { parameters: { who: 'dist' } });
       console.log(JSON.stringify(r.outputs));`,
      join(root, 'packages/provider-sdk'),
    );
    expect(JSON.parse(out)).toStrictEqual({ text: 'hello dist' });
  });
});
