import { isSensitive, reveal } from '@innominatus/core';
import { PlaceholderError, ScoreError, type Issue } from '../errors';
import type { YamlSource } from '../util/yaml-source';
import { at, type ScoreSpec } from './score-spec';

/** One `${...}` placeholder found in a workload. */
export interface Placeholder {
  /** Path of the field holding it, e.g. `['containers', 'main', 'env', 'DATABASE_URL']`. */
  path: string[];
  /** The text between `${` and `}`, e.g. `resources.db.host`. */
  expression: string;
}

/** A piece of a string: literal text or a placeholder. */
type Part = { text: string } | { expression: string };

/** Splits a string into text and placeholders; `$$` stands for a literal `$`. Throws on an unclosed `${`. */
export function splitPlaceholders(value: string): Part[] {
  const parts: Part[] = [];
  let text = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '$' && value[i + 1] === '$') {
      text += '$';
      i++;
    } else if (c === '$' && value[i + 1] === '{') {
      const end = value.indexOf('}', i + 2);
      if (end < 0) throw new Error(`unclosed placeholder at character ${i + 1}: '${value.slice(i, i + 40)}'`);
      if (text) parts.push({ text });
      text = '';
      parts.push({ expression: value.slice(i + 2, end).trim() });
      i = end;
    } else {
      text += c;
    }
  }
  if (text || parts.length === 0) parts.push({ text });
  return parts;
}

/** Calls `fn` with every string inside the workload's containers and its path. */
function walkStrings(value: unknown, path: string[], fn: (s: string, path: string[]) => void): void {
  if (typeof value === 'string') fn(value, path);
  else if (Array.isArray(value)) value.forEach((v, i) => walkStrings(v, [...path, String(i)], fn));
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) walkStrings(v, [...path, k], fn);
}

/** Output names a resource type is known to produce, when the provider declares them. */
export type KnownOutputs = (type: string) => readonly string[] | undefined;

/**
 * Checks every placeholder of a workload before it is accepted: it must name
 * `metadata.<field>` that exists or `resources.<name>.<output>` of a declared
 * resource (and, when the provider declares its outputs, one of them).
 * Throws a {@link ScoreError} `PLACEHOLDER_UNKNOWN` naming each bad one.
 */
export function checkPlaceholders(spec: ScoreSpec, source?: YamlSource, knownOutputs?: KnownOutputs): Placeholder[] {
  const found: Placeholder[] = [];
  const issues: Issue[] = [];
  walkStrings(spec.containers, ['containers'], (s, path) => {
    let parts: Part[];
    try {
      parts = splitPlaceholders(s);
    } catch (err) {
      issues.push(at(source, path, (err as Error).message));
      return;
    }
    for (const p of parts) {
      if (!('expression' in p)) continue;
      found.push({ path, expression: p.expression });
      const problem = placeholderProblem(spec, p.expression, knownOutputs);
      if (problem) issues.push(at(source, path, problem));
    }
  });
  if (issues.length) {
    throw new ScoreError(`Score spec has unknown placeholders: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, issues, 'PLACEHOLDER_UNKNOWN');
  }
  return found;
}

function placeholderProblem(spec: ScoreSpec, expression: string, knownOutputs?: KnownOutputs): string | undefined {
  const [root, ...rest] = expression.split('.');
  if (root === 'metadata') {
    if (rest.length === 0 || lookup(spec.metadata, rest) === undefined) return `unknown placeholder '\${${expression}}': metadata has no field '${rest.join('.')}'`;
    return undefined;
  }
  if (root === 'resources') {
    const [name, output] = rest;
    const resource = name === undefined ? undefined : spec.resources?.[name];
    if (!resource) return `unknown placeholder '\${${expression}}': the workload declares no resource '${name ?? ''}'`;
    if (!output) return `placeholder '\${${expression}}' must name an output, e.g. '\${resources.${name}.host}'`;
    const outputs = knownOutputs?.(resource.type);
    if (outputs && !outputs.includes(output)) {
      return `unknown placeholder '\${${expression}}': resource '${name}' (type ${resource.type}) has no output '${output}'; it has ${outputs.join(', ')}`;
    }
    return undefined;
  }
  return `unknown placeholder '\${${expression}}': placeholders start with 'metadata.' or 'resources.'`;
}

function lookup(value: unknown, path: readonly string[]): unknown {
  let v = value;
  for (const key of path) {
    v = isSensitive(v) ? reveal(v) : v;
    if (typeof v !== 'object' || v === null || !Object.prototype.hasOwnProperty.call(v, key)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** An application's resource as the resolver sees it. */
export interface ResolvableResource {
  id: string;
  name: string;
  state: string;
  outputs?: Record<string, unknown>;
}

/** Options of {@link resolvePlaceholders}. */
export interface ResolveOptions {
  /** Put sensitive values in clear text (admins only) instead of `secret://<resourceId>/<output>`. */
  reveal?: boolean;
}

/**
 * The workload's containers with every placeholder filled: `${metadata.x}`
 * from the spec, `${resources.<name>.<output>}` from the active resource's
 * outputs. A sensitive output becomes `secret://<resourceId>/<output>` unless
 * `reveal` is set. Throws {@link PlaceholderError}: `PLACEHOLDER_NOT_READY`
 * when a resource is not active, `PLACEHOLDER_UNKNOWN` for an output it lacks.
 */
export function resolvePlaceholders(spec: ScoreSpec, resources: readonly ResolvableResource[], options: ResolveOptions = {}): ScoreSpec['containers'] {
  const byName = new Map(resources.map((r) => [r.name, r]));
  const issues: Issue[] = [];
  let notReady = false;
  const fill = (expression: string, path: string[]): string => {
    const [root, ...rest] = expression.split('.');
    if (root === 'metadata') {
      const v = lookup(spec.metadata, rest);
      if (v !== undefined) return stringify(v);
    } else if (root === 'resources' && rest.length >= 2) {
      const [name, output, ...deeper] = rest as [string, string, ...string[]];
      const resource = byName.get(name);
      if (!resource || resource.state !== 'active') {
        notReady = true;
        issues.push({ field: path.join('.'), message: `resource '${name}' is ${resource ? resource.state : 'not created yet'}; '\${${expression}}' is filled once it is active` });
        return '';
      }
      const value = lookup(resource.outputs ?? {}, [output]);
      const inner = deeper.length ? lookup(value, deeper) : value;
      if (inner !== undefined) {
        if (isSensitive(value) || isSensitive(inner)) {
          return options.reveal ? stringify(reveal(inner)) : `secret://${resource.id}/${[output, ...deeper].join('.')}`;
        }
        return stringify(inner);
      }
      issues.push({ field: path.join('.'), message: `unknown placeholder '\${${expression}}': resource '${name}' has no output '${[output, ...deeper].join('.')}'; it has ${Object.keys(resource.outputs ?? {}).join(', ') || 'none'}` });
      return '';
    }
    issues.push({ field: path.join('.'), message: `unknown placeholder '\${${expression}}'` });
    return '';
  };
  const render = (value: unknown, path: string[]): unknown => {
    if (typeof value === 'string') {
      let parts: Part[];
      try {
        parts = splitPlaceholders(value);
      } catch (err) {
        issues.push({ field: path.join('.'), message: (err as Error).message });
        return value;
      }
      return parts.map((p) => ('expression' in p ? fill(p.expression, path) : p.text)).join('');
    }
    if (Array.isArray(value)) return value.map((v, i) => render(v, [...path, String(i)]));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v, [...path, k])]));
    }
    return value;
  };
  const containers = render(spec.containers, ['containers']) as ScoreSpec['containers'];
  if (issues.length) {
    const message = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
    throw new PlaceholderError(notReady ? 'PLACEHOLDER_NOT_READY' : 'PLACEHOLDER_UNKNOWN', message, issues);
  }
  return containers;
}

function stringify(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
