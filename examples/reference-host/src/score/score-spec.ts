import { Ajv } from 'ajv';
import { MAX_PROPERTIES_BYTES } from '@innominatus/core';
import type { YamlExpansionLimits } from '@innominatus/provider-sdk';
import { ScoreError, type Issue } from '../errors';
import { parseYamlSource, type YamlSource } from '../util/yaml-source';
import { schemaIssues } from '../util/schema-issues';
import { nestsDeeperThan } from '../util/nesting-depth';
import { scoreSchema } from './score-schema';

/** Largest Score spec accepted (the HTTP body limit applies first). */
export const MAX_SCORE_BYTES = 512 * 1024;

/**
 * Bounds on a YAML Score spec after alias expansion, so a small spec cannot
 * be stored (and read back) many times larger: twice the text limit in
 * scalar text, and 50,000 values.
 */
export const SCORE_EXPANSION_LIMITS: YamlExpansionLimits = { maxBytes: 2 * MAX_SCORE_BYTES, maxNodes: 50_000 };

/** Deepest nesting of mappings and lists accepted in a Score spec. */
export const MAX_SCORE_DEPTH = 32;

/** One resource a workload asks for. */
export interface ScoreResource {
  type: string;
  class?: string;
  id?: string;
  metadata?: Record<string, unknown>;
  /** Resource properties, passed to the provider (`params` is accepted as another name). */
  properties?: Record<string, unknown>;
  params?: Record<string, unknown>;
}

/** A validated Score workload. */
export interface ScoreSpec {
  apiVersion: 'score.dev/v1b1';
  metadata: { name: string; annotations?: Record<string, string> } & Record<string, unknown>;
  service?: Record<string, unknown>;
  containers: Record<string, Record<string, unknown> & { image: string }>;
  resources?: Record<string, ScoreResource>;
}

/** A parsed spec and, for YAML input, where each field was written. */
export interface ParsedScore {
  spec: ScoreSpec;
  source?: YamlSource;
}

const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
const validate = ajv.compile(scoreSchema);

/**
 * Parses and validates a Score spec given as YAML/JSON text or as an already
 * parsed object. Throws a {@link ScoreError} (`SCORE_INVALID`) carrying every
 * issue, each naming the field and, for text, the line and column.
 */
export function parseScore(input: string | unknown): ParsedScore {
  let source: YamlSource | undefined;
  let value: unknown = input;
  if (typeof input === 'string') {
    if (Buffer.byteLength(input) > MAX_SCORE_BYTES) {
      throw new ScoreError('Score spec is too large', [{ field: '(document)', message: `is more than ${MAX_SCORE_BYTES} bytes` }]);
    }
    const parsed = parseYamlSource(input, SCORE_EXPANSION_LIMITS);
    if (!parsed.source) throw new ScoreError(parsed.tooLarge ? 'Score spec is too large after alias expansion' : 'Score spec is not valid YAML', parsed.issues);
    source = parsed.source;
    value = source.value;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ScoreError('Score spec must be a YAML or JSON mapping', [{ field: '(document)', message: `must be a mapping with apiVersion, metadata and containers; got ${value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value}` }]);
  }
  if (nestsDeeperThan(value, MAX_SCORE_DEPTH)) {
    throw new ScoreError('Score spec is nested too deeply', [{ field: '(document)', message: `nests mappings and lists more than ${MAX_SCORE_DEPTH} levels deep` }]);
  }
  if (!validate(value)) {
    const issues = schemaIssues(validate.errors, value, source);
    throw new ScoreError(`Score spec is invalid: ${issues.map((i) => `${i.field} ${i.message}`).join('; ')}`, issues);
  }
  const spec = value as unknown as ScoreSpec;
  const issues: Issue[] = [];
  for (const [name, r] of Object.entries(spec.resources ?? {})) {
    if (r.properties && r.params) {
      issues.push(at(source, ['resources', name, 'params'], 'use either properties or params, not both'));
      continue;
    }
    // The store's limit, checked here so that it is the user's 422 and not the store's error.
    const size = Buffer.byteLength(JSON.stringify(resourceProperties(r)));
    if (size > MAX_PROPERTIES_BYTES) {
      issues.push(at(source, ['resources', name, r.params ? 'params' : 'properties'], `are ${size} bytes as JSON; the limit is ${MAX_PROPERTIES_BYTES}`));
    }
  }
  if (issues.length) throw new ScoreError(`Score spec is invalid: ${issues.map((i) => `${i.field} ${i.message}`).join('; ')}`, issues);
  return { spec, ...(source ? { source } : {}) };
}

/** The properties a resource asks for (`properties`, or the older `params`). */
export function resourceProperties(resource: ScoreResource): Record<string, unknown> {
  return resource.properties ?? resource.params ?? {};
}

/** An issue at a field, with its position when known. */
export function at(source: YamlSource | undefined, path: (string | number)[], message: string): Issue {
  const pos = source?.positionOf(path);
  return { field: path.join('.'), message, ...(pos ? { line: pos.line, col: pos.col } : {}) };
}
