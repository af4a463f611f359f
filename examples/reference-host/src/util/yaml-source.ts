import { LineCounter, parseAllDocuments, parseDocument, isNode, type Document } from 'yaml';
import { checkYamlExpansion, DEFAULT_EXPANSION_LIMITS, MAX_ALIAS_COUNT, type YamlExpansionLimits } from '@innominatus/provider-sdk';
import type { Issue } from '../errors';

/** A parsed YAML (or JSON) document that can say where each field was written. */
export interface YamlSource {
  /** The plain JavaScript value of the document. */
  value: unknown;
  /** Line and column (1-based) of the field at `path`, or of its closest written parent. */
  positionOf(path: readonly (string | number)[]): { line: number; col: number } | undefined;
}

/** What {@link parseYamlSource} found beyond the first document, when asked to read only that one. */
export interface LaterDocuments {
  /** How many documents follow the first. */
  count: number;
  /** Where the second document starts (1-based). */
  line: number;
  col: number;
}

/**
 * Parses YAML text keeping source positions. Syntax errors come back as issues
 * with line and column instead of being thrown; so does a document that would
 * be larger than `limits` once its aliases are expanded (the SDK's bound, checked
 * before anything is built). Text holding several documents is an error,
 * unless `firstDocumentOnly` is set: then the first is read and `later` says
 * how many follow and where.
 */
export function parseYamlSource(
  text: string,
  limits: YamlExpansionLimits = DEFAULT_EXPANSION_LIMITS,
  options: { firstDocumentOnly?: boolean } = {},
): { source?: YamlSource; issues: Issue[]; tooLarge?: true; later?: LaterDocuments } {
  const lineCounter = new LineCounter();
  const parseOptions = { lineCounter, prettyErrors: false, uniqueKeys: true };
  let doc: Document;
  let later: LaterDocuments | undefined;
  const all = options.firstDocumentOnly ? parseAllDocuments(text, parseOptions) : [];
  if (Array.isArray(all) && all.length > 0) {
    doc = all[0]!;
    if (all.length > 1) {
      const start = lineCounter.linePos(all[1]!.range[0]);
      later = { count: all.length - 1, line: start.line, col: start.col };
    }
  } else {
    doc = parseDocument(text, parseOptions);
  }
  const issues: Issue[] = doc.errors.slice(0, 20).map((e) => {
    const pos = lineCounter.linePos(e.pos[0]);
    const message = /call stack/i.test(e.message) ? 'is nested too deeply' : e.message.split('\n')[0]!;
    return { field: '(document)', message, line: pos.line, col: pos.col };
  });
  if (issues.length) return { issues };
  const excess = checkYamlExpansion(doc, limits);
  if (excess) {
    const pos = lineCounter.linePos(excess.offset);
    return { issues: [{ field: '(document)', message: excess.message, line: pos.line, col: pos.col }], tooLarge: true };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    return { issues: [{ field: '(document)', message: (err as Error).message }] };
  }
  const positionOf = (path: readonly (string | number)[]) => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) {
        const pos = lineCounter.linePos(node.range[0]);
        return { line: pos.line, col: pos.col };
      }
    }
    return undefined;
  };
  return { source: { value, positionOf }, issues: [], ...(later ? { later } : {}) };
}
