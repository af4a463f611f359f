/** The parts of the `yaml` package the comparison uses (the patched and the original copy alike). */
export type YamlModule = typeof import('yaml');

/** What one copy of `yaml` made of a source, each part as text (a difference between copies is a difference in text). */
export type YamlOutput = Record<string, string>;

/**
 * Options `parseAllDocuments` is run with: the defaults, CST tokens kept on
 * the nodes, YAML 1.1 with merge keys (`logLevel: 'error'`: no process
 * warnings from `toJS`; a document's own warnings are compared).
 */
const DOCUMENT_OPTIONS = [{ logLevel: 'error' }, { logLevel: 'error', keepSourceTokens: true }, { logLevel: 'error', version: '1.1', merge: true }] as const;

/** Chunk sizes the source is fed to the lexer and the CST parser in (`incomplete` true until the end). */
const CHUNKS = [1, 7, 64];

/** Sources longer than this are streamed in chunks of 64 only (one-character chunks cost a lexer pass each). */
const SMALL_SOURCE = 4_096;

/**
 * `value` as plain data, with what JSON cannot say spelled out: class names,
 * Maps, Sets, dates, bigints, undefined, NaN, -0, functions by name. (Not
 * `toJSON`, which the library's nodes define to give their value instead of
 * themselves.) A cycle back to an ancestor is written `(cycle)`.
 */
function plain(value: unknown, ancestors: Set<object>): unknown {
  if (typeof value === 'bigint') return `(bigint ${value})`;
  if (value === undefined) return '(undefined)';
  if (typeof value === 'function') return `(function ${value.name})`;
  if (typeof value === 'symbol') return `(${String(value)})`;
  if (typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0))) return `(number ${Object.is(value, -0) ? '-0' : value})`;
  if (typeof value !== 'object' || value === null) return value;
  if (ancestors.has(value)) return '(cycle)';
  ancestors.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => plain(v, ancestors));
    if (value instanceof Map) return { '(Map)': [...value].map(([k, v]) => [plain(k, ancestors), plain(v, ancestors)]) };
    if (value instanceof Set) return { '(Set)': [...value].map((v) => plain(v, ancestors)) };
    if (value instanceof Date) return `(Date ${value.getTime()})`;
    const out: Record<string, unknown> = {};
    const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name ?? '(null prototype)';
    if (name !== 'Object') out['(class)'] = name;
    for (const key of Object.keys(value)) out[key] = plain((value as Record<string, unknown>)[key], ancestors);
    return out;
  } finally {
    ancestors.delete(value);
  }
}

/** `value` as text (see {@link plain}). */
const show = (value: unknown): string => JSON.stringify(plain(value, new Set()));

/** An error or warning as the library reports it: its class, code, message and where (no stack, which names the copy's files). */
function problem(e: { name: string; code: string; message: string; pos: unknown; linePos?: unknown }): string {
  return show({ name: e.name, code: e.code, message: e.message, pos: e.pos, linePos: e.linePos });
}

/** What `fn` returns, or the error it throws (its message: a stack would name the copy's files). */
function attempt(fn: () => unknown): string {
  try {
    return show(fn());
  } catch (err) {
    return `throws ${(err as Error).name}: ${(err as Error).message}`;
  }
}

/** Every node `visit` reaches, with what each of the library's type guards says of it (they read the type the patch moved). */
function visited(Y: YamlModule, doc: unknown): string {
  const seen: string[] = [];
  Y.visit(doc as Parameters<YamlModule['visit']>[0], (key, node, path) => {
    const guards: ((value: unknown) => boolean)[] = [Y.isAlias, Y.isScalar, Y.isMap, Y.isSeq, Y.isPair, Y.isNode, Y.isCollection, Y.isDocument];
    const says = guards.map((g) => (g(node) ? 1 : 0));
    seen.push(`${path.length} ${String(key)} ${says.join('')} ${node == null ? '-' : Object.keys(node).join(',')}`);
  });
  return seen.join('\n');
}

/** A document's own fields (its schema left out: the same object in every document of one set of options), problems apart. */
function documentFields(doc: { errors: unknown[]; warnings: unknown[]; schema: unknown }): string {
  const { errors: _e, warnings: _w, schema: _s, ...rest } = doc;
  return show(rest);
}

/** The lexer's and the CST parser's tokens for `source` fed in chunks of `size` characters. */
function streamed(Y: YamlModule, source: string, size: number): string {
  const lexer = new Y.Lexer();
  const parser = new Y.Parser();
  const lexemes: string[] = [];
  const tokens: unknown[] = [];
  for (let i = 0; i < source.length; i += size) {
    const chunk = source.slice(i, i + size);
    lexemes.push(...lexer.lex(chunk, true));
    tokens.push(...parser.parse(chunk, true));
  }
  lexemes.push(...lexer.lex('', false));
  tokens.push(...parser.parse('', false));
  return JSON.stringify({ lexemes, tokens });
}

/**
 * Everything one copy of `yaml` makes of `source`: the lexer's tokens, the
 * CST (whole and streamed in chunks) with the line starts, and for each of
 * {@link DOCUMENT_OPTIONS} every document: its errors and warnings with
 * their positions, its nodes (fields, ranges, comments, source tokens, what
 * `visit` and the type guards say), `toJS`, `toString`, and with the default
 * options a clone of it and a document made again from its value.
 */
export function yamlOutput(Y: YamlModule, source: string): YamlOutput {
  const out: YamlOutput = {};
  // Tokens and CST nodes are plain data: JSON says all of them.
  out.lexer = JSON.stringify([...new Y.Lexer().lex(source)]);
  const lines = new Y.LineCounter();
  out.cst = JSON.stringify([...new Y.Parser(lines.addNewLine).parse(source)]);
  out.lineStarts = JSON.stringify(lines.lineStarts);
  for (const size of CHUNKS) if (size === 64 || source.length <= SMALL_SOURCE) out[`cst in chunks of ${size}`] = streamed(Y, source, size);
  DOCUMENT_OPTIONS.forEach((options, o) => {
    const docs = Y.parseAllDocuments(source, options);
    const list = Array.isArray(docs) ? docs : [];
    out[`${o} documents`] = Array.isArray(docs) ? String(list.length) : `empty stream ${show(docs)}`;
    list.forEach((doc, d) => {
      const at = `${o}.${d}`;
      out[`${at} errors`] = doc.errors.map(problem).join('\n');
      out[`${at} warnings`] = doc.warnings.map(problem).join('\n');
      out[`${at} fields`] = documentFields(doc);
      out[`${at} visit`] = visited(Y, doc);
      out[`${at} toJS`] = attempt(() => doc.toJS({ maxAliasCount: -1 }));
      out[`${at} toString`] = attempt(() => doc.toString());
      // Node classes at work outside parsing (copying, making nodes from values): with the default options only.
      if (o > 0) return;
      const clone = doc.clone();
      out[`${at} clone`] = `${visited(Y, clone)}\n${attempt(() => clone.toString())}`;
      if (doc.errors.length === 0) {
        const made = attempt(() => {
          const again = new Y.Document(doc.toJS({ maxAliasCount: -1 }));
          return `${visited(Y, again)}\n${again.toString()}`;
        });
        out[`${at} made from its value`] = made;
      }
    });
  });
  return out;
}

/** Where two copies' outputs for one source differ: the part, and a short excerpt of each side from the first differing character. */
export function differences(patched: YamlOutput, original: YamlOutput): string[] {
  const found: string[] = [];
  for (const part of new Set([...Object.keys(original), ...Object.keys(patched)])) {
    const a = patched[part];
    const b = original[part];
    if (a === b) continue;
    if (a === undefined || b === undefined) {
      found.push(`${part}: only the ${a === undefined ? 'original' : 'patched'} copy has it`);
      continue;
    }
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    const from = Math.max(0, i - 40);
    found.push(`${part}, at character ${i}: patched ${JSON.stringify(a.slice(from, i + 80))}, original ${JSON.stringify(b.slice(from, i + 80))}`);
  }
  return found;
}
