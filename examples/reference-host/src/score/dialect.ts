import type { Issue } from '../errors';
import type { YamlSource } from '../util/yaml-source';
import { at } from './issue-at';

/**
 * innominatus' own Score examples spell two fields their own way: `env:` on a
 * container for Score's `variables`, and `properties:` on a resource for
 * Score's `params`. This module knows those spellings (and a few other
 * non-Score fields people write) and either rewrites them to Score, with a
 * warning for each, or explains the refusal.
 */

interface Spelling {
  /** Where the field sits: under each container or under each resource. */
  under: 'containers' | 'resources';
  /** What was written. */
  field: string;
  /** The Score field it stands for. */
  score: string;
}

/** The innominatus dialect: fields that are read as their Score spelling. */
const DIALECT: readonly Spelling[] = [
  { under: 'containers', field: 'env', score: 'variables' },
  { under: 'resources', field: 'properties', score: 'params' },
];

/** Fields that are not Score in any dialect, with where Score says it. */
const NOT_SCORE: Readonly<Record<string, string>> = {
  'containers.ports': 'Score declares ports once per workload, in service.ports',
  'containers.environment': "Score calls a container's environment 'variables'",
};

type Mapping = Record<string, unknown>;
const isMapping = (v: unknown): v is Mapping => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Rewrites innominatus-dialect fields of a parsed workload to their Score
 * spelling, in place, and returns one warning per rewritten field. A field
 * written in both spellings is an issue (nothing is merged).
 */
export function normaliseDialect(value: Mapping, source?: YamlSource): { warnings: Issue[]; issues: Issue[] } {
  const warnings: Issue[] = [];
  const issues: Issue[] = [];
  for (const { under, field, score } of DIALECT) {
    const group = value[under];
    if (!isMapping(group)) continue;
    for (const [name, item] of Object.entries(group)) {
      if (!isMapping(item) || !Object.hasOwn(item, field)) continue;
      const path = [under, name, field];
      if (Object.hasOwn(item, score)) {
        issues.push(at(source, path, `is innominatus' spelling of '${score}', and '${score}' is written too; keep only '${score}'`));
        continue;
      }
      warnings.push(
        at(
          source,
          path,
          `is innominatus' spelling, not Score: read as '${[under, name, score].join('.')}'; write '${score}' to be portable to other Score tools`,
        ),
      );
      const rewritten: Mapping = {};
      for (const [k, v] of Object.entries(item)) rewritten[k === field ? score : k] = v;
      group[name] = rewritten;
    }
  }
  return { warnings, issues };
}

/**
 * A better message for a schema issue "is not a known field" when the field is
 * a known non-Score spelling: the dialect's (when the host reads Score only)
 * or another tool's.
 */
export function explainUnknownField(issue: Issue, dialectAccepted: boolean): Issue {
  if (issue.message !== 'is not a known field') return issue;
  const [under, , field, ...rest] = issue.field.split('.');
  if (rest.length || (under !== 'containers' && under !== 'resources') || field === undefined) return issue;
  const spelling = DIALECT.find((d) => d.under === under && d.field === field);
  if (spelling && !dialectAccepted) {
    return {
      ...issue,
      message: `is innominatus' spelling of '${spelling.score}', which this host does not read (score.innominatusDialect is false); write '${spelling.score}'`,
    };
  }
  const hint = NOT_SCORE[`${under}.${field}`];
  return hint ? { ...issue, message: `is not a Score field: ${hint}` } : issue;
}
