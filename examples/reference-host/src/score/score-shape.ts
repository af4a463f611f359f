import type { Issue } from '../errors';
import type { YamlSource } from '../util/yaml-source';
import { at } from './issue-at';
import type { ScoreSpec } from './score-spec';

const FILE_BODIES = ['content', 'binaryContent', 'source'] as const;

/** Each entry of a map-or-list field (`files`, `volumes`) with its key (target, or list index). */
export function targetEntries<T>(value: Record<string, T> | T[] | undefined): Array<[string, T]> {
  if (!value) return [];
  return Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
}

/**
 * The Score rules the JSON schema holds as `oneOf` / `anyOf`, checked after
 * it so each can be said in words: a container file has exactly one of
 * `content`, `binaryContent` and `source`; a probe has `httpGet` or `exec`.
 */
export function shapeIssues(spec: ScoreSpec, source?: YamlSource): Issue[] {
  const issues: Issue[] = [];
  for (const [name, container] of Object.entries(spec.containers)) {
    for (const [target, file] of targetEntries(container.files)) {
      const given = FILE_BODIES.filter((k) => Object.hasOwn(file, k));
      if (given.length !== 1) {
        issues.push(
          at(
            source,
            ['containers', name, 'files', target],
            `must have exactly one of content, binaryContent or source; got ${given.length ? given.join(' and ') : 'none'}`,
          ),
        );
      }
    }
    for (const probe of ['livenessProbe', 'readinessProbe'] as const) {
      const p = container[probe];
      if (p && !p.httpGet && !p.exec) issues.push(at(source, ['containers', name, probe], 'must have httpGet or exec'));
    }
  }
  return issues;
}
