import type { ScoreSpec } from './score-spec';
import { targetEntries } from './score-shape';

/** Where in a workload a placeholder is expanded. */
export type SiteKind = 'variable' | 'file' | 'volume' | 'param';

/** One string of a workload whose placeholders are expanded. */
export interface Site {
  kind: SiteKind;
  /** Path of the string in the spec, e.g. `['containers', 'main', 'variables', 'DB_HOST']`. */
  path: string[];
  value: string;
  /** For `param`: the resource whose params hold it. */
  resource?: string;
}

/**
 * Every string of a workload that Score expands placeholders in, and only
 * those: container `variables`, `files[*].content` (unless `noExpand`),
 * `volumes[*].source`, and every string inside resource `params`. An
 * image, a command, args, probes and binary file content are passed through
 * as written (a shell's `${HOME}` in `args` stays as it is).
 */
export function expandedSites(spec: ScoreSpec): Site[] {
  const sites: Site[] = [];
  for (const [name, c] of Object.entries(spec.containers)) {
    for (const [key, value] of Object.entries(c.variables ?? {})) sites.push({ kind: 'variable', path: ['containers', name, 'variables', key], value });
    for (const [target, file] of targetEntries(c.files)) {
      if (typeof file.content === 'string' && file.noExpand !== true)
        sites.push({ kind: 'file', path: ['containers', name, 'files', target, 'content'], value: file.content });
    }
    for (const [target, volume] of targetEntries(c.volumes))
      sites.push({ kind: 'volume', path: ['containers', name, 'volumes', target, 'source'], value: volume.source });
  }
  for (const name of Object.keys(spec.resources ?? {})) sites.push(...paramSites(spec, name));
  return sites;
}

/** The `param` sites of one resource: every string inside its `params` (what {@link expandedSites} gives for it, without walking the others). */
export function paramSites(spec: ScoreSpec, name: string): Site[] {
  const sites: Site[] = [];
  paramStrings(spec.resources?.[name]?.params ?? {}, ['resources', name, 'params'], (value, path) =>
    sites.push({ kind: 'param', path, value, resource: name }),
  );
  return sites;
}

function paramStrings(value: unknown, path: string[], fn: (value: string, path: string[]) => void): void {
  if (typeof value === 'string') fn(value, path);
  else if (Array.isArray(value))
    value.forEach((v, i) => {
      paramStrings(v, [...path, String(i)], fn);
    });
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) paramStrings(v, [...path, k], fn);
}

/** A copy of `value` with the string at each path replaced (paths as {@link Site.path}, relative to `value`'s root). */
export function replaceAt<T>(value: T, replacements: ReadonlyMap<string, unknown>, path: string[] = []): T {
  const key = JSON.stringify(path);
  if (replacements.has(key)) return replacements.get(key) as T;
  if (Array.isArray(value)) return value.map((v, i) => replaceAt(v, replacements, [...path, String(i)])) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceAt(v, replacements, [...path, k])])) as T;
  }
  return value;
}

/** The key {@link replaceAt} looks a path up by. */
export const pathKey = (path: readonly string[]): string => JSON.stringify(path);
