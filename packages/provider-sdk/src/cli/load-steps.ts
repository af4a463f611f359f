import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { StepRegistry, type StepDefinition } from '@innominatus/core';
import { ProviderSdkError } from '../errors';
import { defaultSteps } from '../steps/default-steps';
import { importModule } from './import-module';

/**
 * Where a `--steps` module is: a path (starting with `.` or `/`, or naming a
 * file that exists under `cwd`, so `steps/my-steps.js` is a path too), else
 * a package name resolved from `cwd`.
 */
function stepsModuleUrl(specifier: string, cwd: string): string {
  const path = resolve(cwd, specifier);
  if (specifier.startsWith('.') || isAbsolute(specifier) || existsSync(path)) {
    if (!existsSync(path)) throw new ProviderSdkError('STEPS_MODULE_INVALID', `cannot load steps module '${specifier}': no file '${path}'`);
    return pathToFileURL(path).href;
  }
  try {
    return pathToFileURL(createRequire(join(cwd, 'index.js')).resolve(specifier)).href;
  } catch {
    throw new ProviderSdkError(
      'STEPS_MODULE_INVALID',
      `cannot find steps module '${specifier}': no file '${path}' and no package '${specifier}' installed for '${cwd}'`,
    );
  }
}

/**
 * The file of a `--steps` module given as a path (see {@link loadStepsModule}),
 * undefined for a package name: what `validate --watch` watches besides the paths.
 */
export function stepsModuleFile(specifier: string, cwd: string): string | undefined {
  const path = resolve(cwd, specifier);
  return specifier.startsWith('.') || isAbsolute(specifier) || existsSync(path) ? path : undefined;
}

/** The modification time each file module had when it was imported last. */
const importedAt = new Map<string, number>();

/**
 * The URL to import a module from: a file changed since it was imported
 * last gets a query naming its modification time, so that the new version is
 * imported instead of the cached one (`validate --watch`).
 */
function freshUrl(url: string): string {
  if (!url.startsWith('file:')) return url;
  let mtime: number;
  try {
    mtime = statSync(fileURLToPath(url)).mtimeMs;
  } catch {
    return url;
  }
  const before = importedAt.get(url);
  if (before === undefined) importedAt.set(url, mtime);
  else if (before !== mtime) return `${url}?mtime=${mtime}`;
  return url;
}

/** Why a module could not be imported, with how to fix a TypeScript module that this Node.js cannot run. */
function importFailure(specifier: string, err: unknown): ProviderSdkError {
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (code === 'ERR_UNKNOWN_FILE_EXTENSION' && /\.[cm]?tsx?$/.test(specifier)) {
    return new ProviderSdkError(
      'STEPS_MODULE_INVALID',
      `cannot load steps module '${specifier}': Node.js ${process.version} does not run TypeScript by itself. ` +
        "Run the CLI with a TypeScript loader (npm install -D tsx, then NODE_OPTIONS='--import tsx' npx provider-sdk ...) or give --steps the compiled JavaScript",
    );
  }
  return new ProviderSdkError('STEPS_MODULE_INVALID', `cannot load steps module '${specifier}': ${String(message ?? err).split('\n')[0]}`);
}

/**
 * Loads step types from a module (a path, or a package name resolved from
 * `cwd`). The module may export a default (an array, a function returning
 * one, or one step) and/or named step definitions or factories named `*Steps`.
 */
export async function loadStepsModule(specifier: string, cwd: string): Promise<StepDefinition[]> {
  const url = stepsModuleUrl(specifier, cwd);
  let mod: Record<string, unknown>;
  try {
    mod = (await importModule(freshUrl(url))) as Record<string, unknown>;
  } catch (err) {
    throw importFailure(specifier, err);
  }
  const found: StepDefinition[] = [];
  const take = (v: unknown, name: string): void => {
    if (isStep(v)) found.push(v);
    else if (Array.isArray(v)) for (const x of v) take(x, name);
    else if (typeof v === 'function' && (name === 'default' || /Steps$/.test(name)) && v.length === 0) take((v as () => unknown)(), '');
    else if (StepRegistry.is(v)) found.push(...v.list());
  };
  for (const [name, v] of Object.entries(mod)) take(v, name);
  const unique = [...new Map(found.map((s) => [s.type, s])).values()];
  if (unique.length === 0) throw new ProviderSdkError('STEPS_MODULE_INVALID', `steps module '${specifier}' exports no step definitions`);
  return unique;
}

function isStep(v: unknown): v is StepDefinition {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as StepDefinition).type === 'string' &&
    typeof (v as StepDefinition).run === 'function' &&
    typeof (v as StepDefinition).input === 'object'
  );
}

/** The registry the CLI validates and renders with: default steps plus each `--steps` module (later modules may not redefine a type). */
export async function cliSteps(modules: readonly string[], cwd: string): Promise<StepRegistry> {
  const registry = new StepRegistry(await defaultSteps());
  for (const m of modules) {
    for (const s of await loadStepsModule(m, cwd)) {
      if (registry.has(s.type))
        throw new ProviderSdkError('STEPS_MODULE_INVALID', `steps module '${m}' defines step type '${s.type}', which is already loaded`);
      registry.register(s);
    }
  }
  return registry;
}
