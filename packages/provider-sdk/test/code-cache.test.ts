import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeCacheDir } from '../src/code-cache/cache-dir';
import { STALE_DAYS } from '../src/code-cache/run-with-code-cache';

const SDK = join(__dirname, '..');
/** The run helper and what it imports (node: modules only), compiled once to CommonJS by {@link compileRunner}. */
const RUNNER_SOURCES = ['test/helpers/code-cache-run.ts', 'src/code-cache/run-with-code-cache.ts'];
let runner: string;

/**
 * Compiles the run helper and the module it tests to plain CommonJS files in
 * a temporary folder, laid out as in the package (so the helper's import
 * resolves): each run is then a plain `node` process, not tsx (its loader
 * cost about 0.3 s of CPU per run, most of each run).
 */
function compileRunner(): string {
  const out = mkdtempSync(join(tmpdir(), 'code-cache-runner-'));
  for (const file of RUNNER_SOURCES) {
    const { outputText } = ts.transpileModule(readFileSync(join(SDK, file), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
      fileName: file,
    });
    mkdirSync(dirname(join(out, file)), { recursive: true });
    writeFileSync(join(out, file.replace(/\.ts$/, '.js')), outputText);
  }
  return join(out, RUNNER_SOURCES[0]!.replace(/\.ts$/, '.js'));
}

/** Runs `file` with the code cache in `dir` in a process of its own; its output. */
async function run(file: string, dir: string, key = 'validate', keep = 'yes'): Promise<string> {
  const r = await promisify(execFile)(process.execPath, [runner, file, dir, key, keep], { env: { ...process.env, NODE_OPTIONS: '' } });
  return r.stdout + r.stderr;
}

/** A CommonJS file that prints what `require`, `module` and `__filename` are in it, and a result of some functions it compiles. */
const PROGRAM = `const { basename } = require('node:path');
function square(n) { return n * n; }
process.stdout.write(basename(__filename) + ' ' + (module.exports === exports) + ' ' + [1, 2, 3].map(square).join(',') + '\\n');
`;

/** The folders {@link program} made, removed after the file's tests. */
const programs: string[] = [];

function program(ending = ''): { dir: string; file: string; cache: string } {
  const dir = mkdtempSync(join(tmpdir(), 'code-cache-'));
  programs.push(dir);
  const file = join(dir, 'program.cjs');
  writeFileSync(file, PROGRAM + ending);
  return { dir, file, cache: join(dir, 'cache') };
}

// Each test has a folder of its own: they run at once (their processes on both cores).
describe.concurrent('runWithCodeCache', () => {
  beforeAll(() => {
    runner = compileRunner();
  });
  afterAll(() => {
    for (const dir of [join(runner, '../../..'), ...programs.splice(0)]) rmSync(dir, { recursive: true, force: true });
  });

  it('makes the cache on the first run, uses it on the next, and a changed file gets a cache of its own', async () => {
    const { file, cache } = program();
    expect(await run(file, cache)).toBe('program.cjs true 1,4,9\ncache: missing\n');
    const made = readdirSync(cache);
    expect(made).toHaveLength(1);
    expect(made[0]).toMatch(new RegExp(`^[a-z0-9-]+-validate-${process.version.replaceAll('.', '\\.')}-${process.arch}\\.bin$`));
    expect(await run(file, cache)).toBe('program.cjs true 1,4,9\ncache: used\n');
    writeFileSync(file, PROGRAM.replace('n * n', 'n * n * n'));
    expect(await run(file, cache)).toBe('program.cjs true 1,8,27\ncache: missing\n');
    expect(await run(file, cache)).toBe('program.cjs true 1,8,27\ncache: used\n');
    expect(readdirSync(cache)).toHaveLength(2);
  }, 120_000);

  it('runs the file all the same with a broken cache (and makes it again), an unwritable folder or none', async () => {
    const { dir, file, cache } = program();
    await run(file, cache);
    const [name] = readdirSync(cache) as [string];
    writeFileSync(join(cache, name), 'not a code cache');
    expect(await run(file, cache)).toBe('program.cjs true 1,4,9\ncache: rejected\n');
    expect(await run(file, cache)).toBe('program.cjs true 1,4,9\ncache: used\n');
    // A folder that cannot be made: its parent is a file.
    expect(await run(file, join(file, 'cache'))).toBe('program.cjs true 1,4,9\ncache: missing\n');
    expect(readdirSync(dir).sort()).toStrictEqual(['cache', 'program.cjs']);
    expect(await run(file, '-')).toBe('program.cjs true 1,4,9\ncache: none\n');
  }, 120_000);

  it('makes the cache when the file ends the process with process.exit(), and none after an uncaught exception', async () => {
    // On the next turn of the event loop, after the helper has printed what it did with the cache.
    const exiting = program('setImmediate(() => process.exit(0));\n');
    expect(await run(exiting.file, exiting.cache)).toBe('program.cjs true 1,4,9\ncache: missing\n');
    expect(readdirSync(exiting.cache)).toHaveLength(1);
    const crashing = program("setImmediate(() => { throw new Error('boom'); });\n");
    const crash = await run(crashing.file, crashing.cache).catch((e: { code?: number; stdout?: string }) => e);
    expect(crash).toMatchObject({ code: 1, stdout: 'program.cjs true 1,4,9\ncache: missing\n' });
    expect(existsSync(crashing.cache)).toBe(false);
  }, 120_000);

  it('keeps no cache of a run that says not to, one per key, and deletes caches not written for a while', async () => {
    const { file, cache } = program();
    expect(await run(file, cache, 'render', 'no')).toBe('program.cjs true 1,4,9\ncache: missing\n');
    expect(existsSync(cache)).toBe(false);
    await run(file, cache, 'render');
    const [render] = readdirSync(cache) as [string];
    expect(render).toContain('-render-');
    const old = new Date(Date.now() - (STALE_DAYS + 1) * 86_400_000);
    utimesSync(join(cache, render), old, old);
    writeFileSync(join(cache, 'notes.txt'), 'not a cache');
    utimesSync(join(cache, 'notes.txt'), old, old);
    expect(await run(file, cache, 'Bad key!')).toBe('program.cjs true 1,4,9\ncache: missing\n');
    expect(
      readdirSync(cache)
        .map((n) => n.replace(/^[a-z0-9-]+?-(other|render)-.*$/, '$1'))
        .sort(),
    ).toStrictEqual(['notes.txt', 'other']);
  }, 120_000);
});

describe('codeCacheDir', () => {
  const at = (env: NodeJS.ProcessEnv, platform: NodeJS.Platform = 'linux', home = '/home/ada') => codeCacheDir({ env, platform, home });

  it("is in the user's cache folder of the platform", () => {
    expect(at({})).toBe('/home/ada/.cache/innominatus-provider-sdk');
    expect(at({ XDG_CACHE_HOME: '/var/cache/ada' })).toBe('/var/cache/ada/innominatus-provider-sdk');
    expect(at({ XDG_CACHE_HOME: 'relative/cache' })).toBe('/home/ada/.cache/innominatus-provider-sdk');
    expect(at({}, 'darwin', '/Users/ada')).toBe('/Users/ada/Library/Caches/innominatus-provider-sdk');
    expect(at({ LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' }, 'win32', 'C:\\Users\\ada')).toBe('C:\\Users\\ada\\AppData\\Local\\innominatus-provider-sdk');
    expect(at({}, 'win32', 'C:\\Users\\ada')).toBe('C:\\Users\\ada\\AppData\\Local\\innominatus-provider-sdk');
    expect(at({}, 'linux', '')).toBeUndefined();
  });

  it("follows Node.js's NODE_COMPILE_CACHE and NODE_DISABLE_COMPILE_CACHE", () => {
    expect(at({ NODE_COMPILE_CACHE: '/tmp/node-cache', XDG_CACHE_HOME: '/var/cache/ada' })).toBe('/tmp/node-cache/innominatus-provider-sdk');
    expect(at({ NODE_DISABLE_COMPILE_CACHE: '1', NODE_COMPILE_CACHE: '/tmp/node-cache' })).toBeUndefined();
  });
});
