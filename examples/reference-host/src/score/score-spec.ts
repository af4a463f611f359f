import { Ajv } from 'ajv';
import { MAX_PROPERTIES_BYTES } from '@innominatus/core';
import type { YamlExpansionLimits } from '@innominatus/provider-sdk';
import { ScoreError, type Issue } from '../errors';
import { parseYamlSource, type YamlSource } from '../util/yaml-source';
import { schemaIssues } from '../util/schema-issues';
import { nestsDeeperThan } from '../util/nesting-depth';
import { explainUnknownField, normaliseDialect } from './dialect';
import { at } from './issue-at';
import { scoreSchema } from './score-schema';
import { shapeIssues } from './score-shape';

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

/** A file a container mounts (map form: keyed by target; list form: with `target`). */
export interface ScoreFile {
  target?: string;
  mode?: string;
  content?: string;
  binaryContent?: string;
  source?: string;
  noExpand?: boolean;
}

/** A volume a container mounts (map form: keyed by target; list form: with `target`). */
export interface ScoreVolume {
  target?: string;
  source: string;
  path?: string;
  readOnly?: boolean;
}

/** A container probe. */
export interface ScoreProbe {
  httpGet?: Record<string, unknown>;
  exec?: { command: string[] };
}

/** A container of a workload. */
export interface ScoreContainer {
  image: string;
  command?: string[];
  args?: string[];
  variables?: Record<string, string>;
  files?: Record<string, ScoreFile> | ScoreFile[];
  volumes?: Record<string, ScoreVolume> | ScoreVolume[];
  before?: Record<string, { ready: string }>;
  resources?: Record<string, Record<string, string>>;
  livenessProbe?: ScoreProbe;
  readinessProbe?: ScoreProbe;
}

/** One resource a workload asks for. */
export interface ScoreResource {
  type: string;
  class?: string;
  /** Set to share the resource: the same type, class and id in two workloads is one resource. */
  id?: string;
  metadata?: Record<string, unknown>;
  /** Passed to the provider (after placeholder substitution). */
  params?: Record<string, unknown>;
}

/** A validated Score workload. */
export interface ScoreSpec {
  apiVersion: 'score.dev/v1b1';
  metadata: { name: string; annotations?: Record<string, string> } & Record<string, unknown>;
  service?: { ports?: Record<string, { port: number; protocol?: 'TCP' | 'UDP'; targetPort?: number }> };
  containers: Record<string, ScoreContainer>;
  resources?: Record<string, ScoreResource>;
}

/** A parsed spec, where each field was written (for YAML input), and what the host had to say about it. */
export interface ParsedScore {
  spec: ScoreSpec;
  source?: YamlSource;
  /** Things the host read differently from the text, each at its field (innominatus dialect, later YAML documents). */
  warnings: Issue[];
}

/** Options of {@link parseScore}. */
export interface ParseScoreOptions {
  /** Read innominatus' `env:` and `properties:` as Score's `variables` and `params` (with a warning). Default true. */
  innominatusDialect?: boolean;
}

// `validateSchema: false`: the schema is checked against JSON Schema's meta-schema by a test, not at every start.
const ajv = new Ajv({ allErrors: true, strict: false, verbose: true, validateSchema: false });
const validate = ajv.compile(scoreSchema);

const invalid = (issues: Issue[]) => new ScoreError(`Score spec is invalid: ${issues.map((i) => `${i.field} ${i.message}`).join('; ')}`, issues);

/**
 * Parses and validates a Score spec given as YAML/JSON text or as an already
 * parsed object. Of a YAML stream only the first document is read, as the
 * Score tools do, with a warning naming where the next one starts. Throws a
 * {@link ScoreError} (`SCORE_INVALID`) carrying every issue, each naming the
 * field and, for text, the line and column.
 */
export function parseScore(input: string | unknown, options: ParseScoreOptions = {}): ParsedScore {
  const dialect = options.innominatusDialect ?? true;
  const warnings: Issue[] = [];
  let source: YamlSource | undefined;
  let value: unknown = input;
  if (typeof input === 'string') {
    if (Buffer.byteLength(input) > MAX_SCORE_BYTES) {
      throw new ScoreError('Score spec is too large', [{ field: '(document)', message: `is more than ${MAX_SCORE_BYTES} bytes` }]);
    }
    const parsed = parseYamlSource(input, SCORE_EXPANSION_LIMITS, { firstDocumentOnly: true });
    if (!parsed.source) throw new ScoreError(parsed.tooLarge ? 'Score spec is too large after alias expansion' : 'Score spec is not valid YAML', parsed.issues);
    source = parsed.source;
    value = source.value;
    if (parsed.later) {
      const { count, line, col } = parsed.later;
      warnings.push({
        field: '(document)',
        message: `is followed by ${count} more YAML document${count > 1 ? 's' : ''}, which ${count > 1 ? 'are' : 'is'} ignored: a Score file holds one workload (submit each separately)`,
        line,
        col,
      });
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ScoreError('Score spec must be a YAML or JSON mapping', [
      {
        field: '(document)',
        message: `must be a mapping with apiVersion, metadata and containers; got ${value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value}`,
      },
    ]);
  }
  if (nestsDeeperThan(value, MAX_SCORE_DEPTH)) {
    throw new ScoreError('Score spec is nested too deeply', [
      { field: '(document)', message: `nests mappings and lists more than ${MAX_SCORE_DEPTH} levels deep` },
    ]);
  }
  // The dialect is rewritten in place: a parsed object is the caller's, so it is copied first.
  if (typeof input !== 'string') value = structuredClone(value);
  if (dialect) {
    const normalised = normaliseDialect(value as Record<string, unknown>, source);
    if (normalised.issues.length) throw invalid(normalised.issues);
    warnings.push(...normalised.warnings);
  }
  if (!validate(value)) {
    throw invalid(schemaIssues(validate.errors, value, source).map((i) => explainUnknownField(i, dialect)));
  }
  const spec = value as unknown as ScoreSpec;
  const issues = shapeIssues(spec, source);
  for (const [name, r] of Object.entries(spec.resources ?? {})) {
    // The store's limit, checked here so that it is the user's 422 and not the store's error.
    const size = Buffer.byteLength(JSON.stringify(r.params ?? {}));
    if (size > MAX_PROPERTIES_BYTES) issues.push(at(source, ['resources', name, 'params'], `are ${size} bytes as JSON; the limit is ${MAX_PROPERTIES_BYTES}`));
  }
  if (issues.length) throw invalid(issues);
  return { spec, ...(source ? { source } : {}), warnings };
}
