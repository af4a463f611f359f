import { readFileSync, statSync, type Stats } from 'node:fs';
import { isAlias, isMap, isNode, isScalar, isSeq, LineCounter, parseAllDocuments, parseDocument, visit, type Document, type Node } from 'yaml';
import type { Diagnostic, DiagnosticCode } from '../diagnostics/diagnostic';
import { quotingHint } from './syntax-hint';
import { YamlSourceMap } from './yaml-source-map';
import {
  checkYamlExpansion,
  DEFAULT_EXPANSION_LIMITS,
  ExpansionBudget,
  ExpansionExcessError,
  type YamlExpansionExcess,
  type YamlExpansionLimits,
} from './expansion-limit';
import { plainValue } from './plain-value';

/** Largest file read (1 MiB); larger files are refused before parsing. */
export const MAX_FILE_BYTES = 1024 * 1024;

/** Most alias expansions in one document (stops "billion laughs" alias bombs). */
export const MAX_ALIAS_COUNT = 100;

/** A parsed YAML document with where each value came from. */
export interface ParsedYaml {
  /** The document as plain JS; undefined when it could not be parsed. */
  value: unknown;
  source: YamlSourceMap;
  /** YAML-level problems (syntax, duplicate keys, size, binary content). */
  diagnostics: Diagnostic[];
  /** With {@link YamlTextOptions.firstDocumentOnly}: the documents after the first, which were not read. */
  later?: LaterDocuments;
}

/** The documents a multi-document text holds after its first (see {@link YamlTextOptions.firstDocumentOnly}). */
export interface LaterDocuments {
  /** How many documents follow the first. */
  count: number;
  /** Line (1-based) where the second document starts. */
  line: number;
  /** Column (1-based) where the second document starts. */
  col: number;
}

/** Options of {@link parseYamlText}. */
export interface YamlTextOptions {
  /**
   * Read only the first document of a text holding several (`---`) and say
   * in `later` how many follow and where. Default: more than one document is
   * an error.
   */
  firstDocumentOnly?: boolean;
  /**
   * Accept any value at the top level, also none (empty text gives `null`),
   * for a caller that checks the document's shape itself. Default: the
   * document must be a mapping, and empty text is `EMPTY_FILE`.
   */
  anyValue?: boolean;
}

/**
 * Reads and parses one YAML file. Never throws for bad content: every
 * problem (missing, too large, binary, empty, syntax, duplicate keys, alias
 * bomb) is returned as a diagnostic with its position.
 */
export async function loadYamlFile(path: string, displayName: string = path, maxBytes = MAX_FILE_BYTES): Promise<ParsedYaml> {
  const fail = (code: DiagnosticCode, message: string): ParsedYaml => {
    const source = new YamlSourceMap(displayName, '', new LineCounter());
    return { value: undefined, source, diagnostics: [{ code, severity: 'error', message, file: displayName, line: 1, col: 1, pointer: '' }] };
  };
  // Synchronous on purpose: the files are small (capped below) and parsing
  // them blocks the event loop far longer than reading them does, while each
  // async call is a thread-pool round trip (stat + open/fstat/read/close took
  // ~15% of validating 500 providers one after another).
  let s: Stats;
  try {
    s = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT'
      ? fail('FILE_NOT_FOUND', `file '${displayName}' does not exist`)
      : fail('FILE_UNREADABLE', `cannot read '${displayName}' (${code ?? 'error'})`);
  }
  if (!s.isFile()) return fail('FILE_UNREADABLE', `'${displayName}' is not a file`);
  if (s.size > maxBytes) return fail('FILE_TOO_LARGE', `file is ${s.size} bytes; the limit is ${maxBytes} bytes`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    return fail('FILE_UNREADABLE', `cannot read '${displayName}' (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parseYamlBytes(bytes, displayName, maxBytes);
}

/** Parses YAML from bytes (see {@link loadYamlFile}). */
export function parseYamlBytes(bytes: Uint8Array, file: string, maxBytes = MAX_FILE_BYTES): ParsedYaml {
  const lines = new LineCounter();
  const fail = (code: DiagnosticCode, message: string, line = 1, col = 1): ParsedYaml => ({
    value: undefined,
    source: new YamlSourceMap(file, '', lines),
    diagnostics: [{ code, severity: 'error', message, file, line, col, pointer: '' }],
  });
  if (bytes.length > maxBytes) return fail('FILE_TOO_LARGE', `file is ${bytes.length} bytes; the limit is ${maxBytes} bytes`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail('NOT_YAML', 'file is not UTF-8 text (binary content?)');
  }
  const nul = text.indexOf('\0');
  if (nul >= 0) return fail('NOT_YAML', `file holds a NUL byte at offset ${nul} (binary content?)`);
  return parseYamlText(text, file);
}

/**
 * Parses YAML text (see {@link loadYamlFile}). The document is also bounded
 * after alias expansion (`limits`, by default {@link DEFAULT_EXPANSION_LIMITS}):
 * a small text whose aliases would build a large value is refused
 * (`YAML_EXPANSION_LIMIT`, at the alias that crossed the limit) before it is built.
 */
export function parseYamlText(text: string, file: string, limits: YamlExpansionLimits = DEFAULT_EXPANSION_LIMITS, options: YamlTextOptions = {}): ParsedYaml {
  const lines = new LineCounter();
  if (!options.anyValue && onlyComments(text)) {
    return {
      value: undefined,
      source: new YamlSourceMap(file, text, lines),
      diagnostics: [{ code: 'EMPTY_FILE', severity: 'error', message: 'file is empty', file, line: 1, col: 1, pointer: '' }],
    };
  }
  const { doc, later } = readDocument(text, lines, options.firstDocumentOnly === true);
  const source = new YamlSourceMap(file, text, lines, doc);
  const diagnostics = documentErrors(doc, text, lines, file);
  if (diagnostics.length > 0) return { value: undefined, source, diagnostics };
  const read = readValue(doc, limits);
  if ('excess' in read) {
    const { line, col } = lines.linePos(read.excess.offset);
    return {
      value: undefined,
      source,
      diagnostics: [{ code: 'YAML_EXPANSION_LIMIT', severity: 'error', message: read.excess.message, file, line, col, pointer: '' }],
    };
  }
  if ('failure' in read) {
    return {
      value: undefined,
      source,
      diagnostics: [{ code: 'YAML_ALIAS_LIMIT', severity: 'error', message: read.failure, file, line: 1, col: 1, pointer: '' }],
    };
  }
  const { value } = read;
  if (!options.anyValue && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    const what = Array.isArray(value) ? 'a list' : value === null ? 'null' : `a ${typeof value}`;
    return {
      value: undefined,
      source,
      diagnostics: [
        { code: 'NOT_YAML', severity: 'error', message: `expected a YAML mapping at the top level, found ${what}`, file, line: 1, col: 1, pointer: '' },
      ],
    };
  }
  return later ? { value, source, diagnostics, later } : { value, source, diagnostics };
}

/** The parser's errors as diagnostics: duplicate and non-string keys, several documents, and the first syntax error of each cause. */
function documentErrors(doc: Document.Parsed, text: string, lines: LineCounter, file: string): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  let keys: Node[] | undefined;
  let syntax = false;
  for (const e of doc.errors) {
    const isSyntax = e.code !== 'DUPLICATE_KEY' && e.code !== 'NON_STRING_KEY' && e.code !== 'MULTIPLE_DOCS';
    // Later syntax errors follow from the first (one unquoted value gives dozens): one per cause.
    if (isSyntax && syntax) continue;
    syntax ||= isSyntax;
    const { line, col } = lines.linePos(e.pos[0]);
    const code: DiagnosticCode = e.code === 'DUPLICATE_KEY' ? 'DUPLICATE_KEY' : e.code === 'NON_STRING_KEY' ? 'NON_STRING_KEY' : 'YAML_SYNTAX';
    if (e.code === 'NON_STRING_KEY') keys ??= nonStringKeys(doc);
    const message = /call stack/i.test(e.message)
      ? 'the document nests mappings and lists too deeply to be read'
      : e.code === 'DUPLICATE_KEY'
        ? `duplicate key ${quoteKey(text, e.pos)}`
        : e.code === 'MULTIPLE_DOCS'
          ? 'file holds more than one YAML document (---); put one document in each file'
          : e.code === 'NON_STRING_KEY'
            ? `keys must be plain strings (got ${keyKind(doc, keys!, e.pos[0])})`
            : withHint(firstLine(e.message), text, lines, line);
    diagnostics.push({ code, severity: 'error', message, file, line, col, pointer: '' });
  }
  return diagnostics;
}

/** The document to read: the only one, or with `firstOnly` the first of several (and where the others are). */
function readDocument(text: string, lines: LineCounter, firstOnly: boolean): { doc: Document.Parsed; later?: LaterDocuments } {
  const options = { uniqueKeys: true, prettyErrors: false, strict: true, stringKeys: true } as const;
  if (!firstOnly) return { doc: parseDocument(text, { ...options, lineCounter: lines }) };
  const all = parseAllDocuments(text, { ...options, lineCounter: lines });
  // No document at all (`lines` is filled already, so it is not given again).
  if (!Array.isArray(all) || all.length === 0) return { doc: parseDocument(text, options) };
  if (all.length === 1) return { doc: all[0]! };
  const start = lines.linePos(all[1]!.range[0]);
  return { doc: all[0]!, later: { count: all.length - 1, line: start.line, col: start.col } };
}

/**
 * The document's plain value, bounded after alias expansion. A document
 * without aliases is built and measured in one walk; one with aliases is
 * measured first (without expanding it) and then expanded by `toJS`.
 */
function readValue(doc: Document.Parsed, limits: YamlExpansionLimits): { value: unknown } | { excess: YamlExpansionExcess } | { failure: string } {
  try {
    const direct = plainValue(doc, new ExpansionBudget(limits));
    if ('value' in direct) return direct;
  } catch (err) {
    if (err instanceof ExpansionExcessError) return { excess: err.excess };
    // Anything else (a stack too deep for the walk): the general way reports it.
  }
  const excess = checkYamlExpansion(doc, limits);
  if (excess) return { excess };
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (err) {
    return {
      failure:
        err instanceof ReferenceError && /alias/i.test(err.message)
          ? `too many alias expansions (limit ${MAX_ALIAS_COUNT}): a YAML alias bomb?`
          : `cannot read the document: ${firstLine(String((err as Error).message ?? err))}`,
    };
  }
}

/** A syntax error's message, with the quoting hint when its line (or the one before) is an unquoted value YAML misreads. */
function withHint(message: string, text: string, lines: LineCounter, line: number): string {
  const lineText = (n: number) =>
    n >= 1 && n <= lines.lineStarts.length ? text.slice(lines.lineStarts[n - 1], lines.lineStarts[n] ?? text.length).replace(/\r?\n$/, '') : '';
  const hint = quotingHint(lineText(line)) ?? quotingHint(lineText(line - 1));
  return hint ? `${message}; ${hint}` : message;
}

/**
 * True for text with nothing but blank lines and comments (checked line by
 * line: no regex backtracking; the text is not split, as the first line with
 * content, most often the first, ends the check).
 */
function onlyComments(text: string): boolean {
  for (let start = 0; start <= text.length; ) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    const t = text.slice(start, end).trim();
    if (t !== '' && !t.startsWith('#')) return false;
    start = end + 1;
  }
  return true;
}

/** The map keys of a document that are not plain strings, in source order. */
function nonStringKeys(doc: Document): Node[] {
  const keys: Node[] = [];
  visit(doc, {
    Pair(_, pair) {
      const key = pair.key;
      if (isNode(key) && key.range && !(isScalar(key) && typeof key.value === 'string' && !key.tag)) keys.push(key);
    },
  });
  return keys.sort((a, b) => a.range![0] - b.range![0]);
}

/**
 * What the non-string key reported at `offset` is (`a list key`, `a mapping
 * key`, ...): the first such key that starts there or, after a tag, just after it.
 */
function keyKind(doc: Document, keys: readonly Node[], offset: number): string {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid]!.range![0] < offset) lo = mid + 1;
    else hi = mid;
  }
  const key = keys[lo];
  if (isSeq(key)) return 'a list key';
  if (isMap(key)) return 'a mapping key';
  if (isAlias(key)) return `an alias key (*${key.source})`;
  if (isScalar(key) && key.tag) return `a key tagged ${doc.directives?.tagString(key.tag) ?? key.tag}`;
  return 'a key that is not a string';
}

function firstLine(s: string): string {
  return s
    .split('\n')[0]!
    .replace(/ at line \d+, column \d+:?$/, '')
    .trim();
}

function quoteKey(text: string, pos: [number, number]): string {
  const raw = text
    .slice(pos[0], pos[0] + 200)
    .split('\n')[0]!
    .replace(/:(\s.*)?$/, '')
    .trim()
    .slice(0, 60);
  return raw ? `'${raw}'` : '';
}
