import type { Issue } from '../errors';
import type { YamlSource } from '../util/yaml-source';

/** An issue at a field of a Score spec, with its line and column when the spec was YAML text. */
export function at(source: YamlSource | undefined, path: readonly (string | number)[], message: string): Issue {
  const pos = source?.positionOf(path);
  return { field: path.join('.'), message, ...(pos ? { line: pos.line, col: pos.col } : {}) };
}
