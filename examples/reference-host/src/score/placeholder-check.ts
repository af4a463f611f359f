import { isLongOutput, type OutputSpec } from '@innominatus/core';
import { ScoreError, type Issue } from '../errors';
import type { YamlSource } from '../util/yaml-source';
import { at } from './issue-at';
import { isMapping, ownLookup } from './own-lookup';
import { refKeys, refsOf } from './placeholder-syntax';
import { expandedSites, type Site } from './placeholder-sites';
import type { ScoreResource, ScoreSpec } from './score-spec';

/**
 * The outputs a resource will have once active, as its provider's workflows
 * declare them (name → declaration); `undefined` when no provider serves it.
 */
export type DeclaredOutputs = (resource: ScoreResource) => Readonly<Record<string, OutputSpec>> | undefined;

/** What the check learnt: which resources' params read which other resources' outputs. */
export interface PlaceholderUse {
  /** Resource name → names of the resources its params read. */
  dependsOn: Map<string, Set<string>>;
}

/**
 * Checks every placeholder of a workload at submit time, so that nothing
 * accepted now can fail later for a reason visible now: each reference must
 * name `metadata.<key>...` the spec has, or `resources.<name>.<output>...` of
 * a declared resource and an output its provider's workflows declare, by own
 * properties only. `${resources.<name>}` alone is allowed in a volume source
 * (the resource itself), nowhere else. Throws a {@link ScoreError}
 * `PLACEHOLDER_UNKNOWN` naming every bad reference at its field.
 */
export function checkPlaceholders(spec: ScoreSpec, declaredOutputs: DeclaredOutputs, source?: YamlSource): PlaceholderUse {
  const issues: Issue[] = [];
  const dependsOn = new Map<string, Set<string>>();
  for (const site of expandedSites(spec)) {
    for (const ref of refsOf(site.value)) {
      const problem = refProblem(spec, site, ref, declaredOutputs);
      if (problem) {
        issues.push(at(source, site.path, `unknown placeholder '\${${ref}}': ${problem}`));
        continue;
      }
      const [root, name] = refKeys(ref);
      if (site.kind === 'param' && root === 'resources') {
        let deps = dependsOn.get(site.resource!);
        if (!deps) {
          deps = new Set();
          dependsOn.set(site.resource!, deps);
        }
        deps.add(name!);
      }
    }
  }
  if (issues.length) {
    throw new ScoreError(`Score spec has unknown placeholders: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, issues, 'PLACEHOLDER_UNKNOWN');
  }
  return { dependsOn };
}

function refProblem(spec: ScoreSpec, site: Site, ref: string, declaredOutputs: DeclaredOutputs): string | undefined {
  const [root, ...keys] = refKeys(ref);
  if (root === 'metadata') {
    if (keys.length === 0) return "name a metadata field, e.g. '${metadata.name}'";
    const found = ownLookup(spec.metadata, keys);
    return found.found ? undefined : `metadata has no field '${keys.slice(0, found.depth + 1).join('.')}'`;
  }
  if (root !== 'resources') {
    const trimmed = ref !== ref.trim() ? ' (nothing inside ${...} is trimmed)' : '';
    return `a placeholder starts with 'metadata.' or 'resources.'${trimmed}; write $$ for a literal $`;
  }
  const [name, output, ...deeper] = keys;
  const resources = spec.resources ?? {};
  if (name === undefined || !Object.hasOwn(resources, name)) return `the workload declares no resource '${name ?? ''}'`;
  const resource = resources[name]!;
  const outputs = declaredOutputs(resource) ?? {};
  const list = Object.keys(outputs).join(', ') || 'no outputs';
  if (output === undefined) {
    if (site.kind === 'volume') return undefined;
    return `names resource '${name}' but none of its outputs (only a volume source may name a resource itself); write '\${resources.${name}.<output>}' with one of: ${list}`;
  }
  if (site.kind === 'param' && name === site.resource) return `resource '${name}' cannot read its own outputs in its params`;
  if (!Object.hasOwn(outputs, output)) return `resource '${name}' (type ${resource.type}) has no output '${output}'; it has: ${list}`;
  if (deeper.length === 0) return undefined;
  const declared = outputs[output];
  const literal = isLongOutput(declared) ? declared.value : declared;
  if (isMapping(literal)) {
    const found = ownLookup(literal, deeper);
    return found.found ? undefined : `output '${output}' of resource '${name}' has no key '${[...deeper.slice(0, found.depth + 1)].join('.')}'`;
  }
  if (isLongOutput(declared) && declared.type !== undefined) {
    const depth = typedDepth(declared.type, deeper);
    if (depth === deeper.length) return undefined;
    return `output '${output}' of resource '${name}' is not declared to always have key '${deeper.slice(0, depth + 1).join('.')}' (its type must be an object listing it in required)`;
  }
  return `output '${output}' of resource '${name}' is not declared as a mapping (a mapping literal, or a type that is an object), so it has no key '${deeper[0]}'`;
}

/**
 * How many of `keys` an output's declared type (JSON Schema, checked when the
 * outputs are rendered) guarantees: each must be a required property of an
 * object, so the value always has it.
 */
function typedDepth(schema: Record<string, unknown>, keys: readonly string[]): number {
  let s: unknown = schema;
  for (const [depth, key] of keys.entries()) {
    if (!isMapping(s) || s.type !== 'object' || !Array.isArray(s.required) || !s.required.includes(key)) return depth;
    s = isMapping(s.properties) && Object.hasOwn(s.properties, key) ? s.properties[key] : undefined;
  }
  return keys.length;
}
