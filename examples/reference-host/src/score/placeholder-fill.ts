import { placeholderText } from './score-json';
import { reveal, sensitive } from '@innominatus/core';
import { PlaceholderError, type Issue } from '../errors';
import { ownLookup } from './own-lookup';
import { refKeys, splitTemplate } from './placeholder-syntax';
import { expandedSites, paramSites, pathKey, replaceAt, type Site } from './placeholder-sites';
import { resourceUid } from './resource-uid';
import type { ScoreSpec } from './score-spec';

/** A resource as placeholders see it: what the store holds. */
export interface ResolvableResource {
  id: string;
  state: string;
  outputs?: Record<string, unknown>;
}

/** How sensitive outputs come out: `secret://<resourceId>/<keys>`, in clear text, or as a sensitive value. */
export type SecretMode = 'reference' | 'reveal' | 'wrap';

interface FillContext {
  spec: ScoreSpec;
  /** The active (or not) resource a workload's resource name stands for. */
  resource: (name: string) => ResolvableResource | undefined;
  secrets: SecretMode;
}

interface Filled {
  value: unknown;
  issues: Issue[];
  notReady: boolean;
}

/**
 * Fills the placeholders of one string: `${metadata...}` from the spec,
 * `${resources.<name>.<keys>}` from an active resource's outputs, a volume
 * source's `${resources.<name>}` with the resource's Score identity. A value
 * that is not a string is written as JSON (a number as its digits). A string
 * that takes a sensitive value is sensitive as a whole.
 */
function fillSite(site: Site, ctx: FillContext): Filled {
  const issues: Issue[] = [];
  let notReady = false;
  let secret = false;
  const field = site.path.join('.');
  const text = splitTemplate(site.value)
    .map((part) => {
      if ('text' in part) return part.text;
      const [root, ...keys] = refKeys(part.ref);
      const unknown = (why: string) => {
        issues.push({ field, message: `unknown placeholder '\${${part.ref}}': ${why}` });
        return '';
      };
      if (root === 'metadata') {
        const found = ownLookup(ctx.spec.metadata, keys);
        return keys.length && found.found ? placeholderText(found.value) : unknown('metadata has no such field');
      }
      if (root !== 'resources' || keys.length === 0) return unknown("a placeholder starts with 'metadata.' or 'resources.'");
      const [name, ...outputKeys] = keys as [string, ...string[]];
      const declared = Object.hasOwn(ctx.spec.resources ?? {}, name) ? ctx.spec.resources![name] : undefined;
      if (outputKeys.length === 0 && site.kind === 'volume' && declared) return resourceUid(ctx.spec.metadata.name, name, declared);
      const r = ctx.resource(name);
      if (!r || r.state !== 'active') {
        notReady = true;
        issues.push({ field, message: `resource '${name}' is ${r ? r.state : 'not created yet'}; '\${${part.ref}}' is filled once it is active` });
        return '';
      }
      if (outputKeys.length === 0) return unknown(`names resource '${name}' but none of its outputs`);
      const found = ownLookup(r.outputs ?? {}, outputKeys);
      if (!found.found)
        return unknown(`resource '${name}' has no output '${outputKeys.join('.')}'; it has ${Object.keys(r.outputs ?? {}).join(', ') || 'none'}`);
      if (!found.sensitive) return placeholderText(found.value);
      if (ctx.secrets === 'reference') return `secret://${r.id}/${outputKeys.join('.')}`;
      secret = true;
      return placeholderText(reveal(found.value));
    })
    .join('');
  return { value: secret && ctx.secrets === 'wrap' ? sensitive(text) : text, issues, notReady };
}

/** Fills every one of `sites`, or throws {@link PlaceholderError} (`PLACEHOLDER_NOT_READY` first, else `PLACEHOLDER_UNKNOWN`). */
function fillSites(sites: readonly Site[], ctx: FillContext): Map<string, unknown> {
  const replacements = new Map<string, unknown>();
  const issues: Issue[] = [];
  let notReady = false;
  for (const site of sites) {
    const filled = fillSite(site, ctx);
    issues.push(...filled.issues);
    notReady ||= filled.notReady;
    replacements.set(pathKey(site.path), filled.value);
  }
  if (issues.length) {
    throw new PlaceholderError(notReady ? 'PLACEHOLDER_NOT_READY' : 'PLACEHOLDER_UNKNOWN', issues.map((i) => `${i.field}: ${i.message}`).join('; '), issues);
  }
  return replacements;
}

/** Options of {@link resolveWorkload}. */
export interface ResolveOptions {
  /** Put sensitive values in clear text (admins only) instead of `secret://<resourceId>/<output>`. */
  reveal?: boolean;
}

/**
 * The workload with every placeholder Score expands filled — container
 * variables, file contents, volume sources and resource params — and
 * everything else as written. A sensitive output becomes
 * `secret://<resourceId>/<output>` unless `reveal` is set.
 */
export function resolveWorkload(spec: ScoreSpec, resource: (name: string) => ResolvableResource | undefined, options: ResolveOptions = {}): ScoreSpec {
  const replacements = fillSites(expandedSites(spec), { spec, resource, secrets: options.reveal ? 'reveal' : 'reference' });
  return replaceAt(spec, replacements);
}

/**
 * A resource's params with their placeholders filled, as its provider gets
 * them: sensitive outputs stay sensitive (sealed in the store, redacted in
 * logs). Throws `PLACEHOLDER_NOT_READY` while a resource it reads is not active.
 */
export function resolveParams(spec: ScoreSpec, name: string, resource: (name: string) => ResolvableResource | undefined): Record<string, unknown> {
  const replacements = fillSites(paramSites(spec, name), { spec, resource, secrets: 'wrap' });
  const prefix = ['resources', name, 'params'];
  const shifted = new Map([...replacements].map(([k, v]) => [pathKey((JSON.parse(k) as string[]).slice(prefix.length)), v]));
  return replaceAt(spec.resources?.[name]?.params ?? {}, shifted);
}
