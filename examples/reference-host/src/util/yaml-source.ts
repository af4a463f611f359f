import { pointerOf } from '@innominatus/core/internal';
import { DEFAULT_EXPANSION_LIMITS, parseYamlText, type LaterDocuments, type YamlExpansionLimits } from '@innominatus/provider-sdk';
import type { Issue } from '../errors';

/** A parsed YAML (or JSON) document that can say where each field was written. */
export interface YamlSource {
  /** The plain JavaScript value of the document. */
  value: unknown;
  /** Line and column (1-based) of the field at `path`, or of its closest written parent. */
  positionOf(path: readonly (string | number)[]): { line: number; col: number } | undefined;
}

export type { LaterDocuments };

/**
 * Reads YAML text with the provider SDK's reader (its syntax, duplicate-key,
 * alias and expanded-size checks) and gives its problems as the host's
 * issues, with line and column. Any value is read (the caller checks its
 * shape); empty text is `null`. Text holding
 * several documents is an error, unless `firstDocumentOnly` is set: then the
 * first is read and `later` says how many follow and where.
 */
export function parseYamlSource(
  text: string,
  limits: YamlExpansionLimits = DEFAULT_EXPANSION_LIMITS,
  options: { firstDocumentOnly?: boolean } = {},
): { source?: YamlSource; issues: Issue[]; tooLarge?: true; later?: LaterDocuments } {
  const parsed = parseYamlText(text, '(document)', limits, { ...options, anyValue: true });
  if (parsed.diagnostics.length > 0) {
    const issues = parsed.diagnostics.map((d): Issue => ({ field: '(document)', message: d.message, line: d.line, col: d.col }));
    return parsed.diagnostics.some((d) => d.code === 'YAML_EXPANSION_LIMIT') ? { issues, tooLarge: true } : { issues };
  }
  const map = parsed.source;
  const source: YamlSource = {
    value: parsed.value,
    positionOf(path) {
      const { line, col } = map.positionOf(pointerOf(path));
      return { line, col };
    },
  };
  return parsed.later ? { source, issues: [], later: parsed.later } : { source, issues: [] };
}
