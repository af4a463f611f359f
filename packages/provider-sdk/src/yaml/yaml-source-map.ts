import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, Scalar, type Document, type Node } from 'yaml';
import { type SourceMap, type SourcePosition } from '@innominatus/core';
import { escapePointer } from '@innominatus/core/internal';

interface Entry {
  /** Offset of the value's first character. */
  value: number;
  /** Offset of the key, for map entries. */
  key?: number;
  /** For string scalars: how it was written and where its text ends. */
  scalar?: { type: Scalar.Type; end: number };
}

/**
 * Positions of every value of a YAML document, addressed by JSON pointer.
 * Besides the core {@link SourceMap} contract it can give the position of a
 * map key and of a character inside a string (for expression errors).
 * The positions are indexed on the first question (most documents that
 * validate are never asked one).
 */
export class YamlSourceMap implements SourceMap {
  readonly file: string;
  readonly #lines: LineCounter;
  readonly #text: string;
  #doc: Document.Parsed | undefined;
  #index: Map<string, Entry> | undefined;

  /** @internal made by the YAML loader. */
  constructor(file: string, text: string, lines: LineCounter, doc?: Document.Parsed) {
    this.file = file;
    this.#text = text;
    this.#lines = lines;
    this.#doc = doc;
  }

  /** Every value's entry, by pointer (built from the document on first use). */
  get #entries(): Map<string, Entry> {
    if (!this.#index) {
      this.#index = new Map();
      if (this.#doc?.contents) this.#walk(this.#doc.contents as Node, '', undefined);
      this.#doc = undefined;
    }
    return this.#index;
  }

  /** Position of the value at `pointer`, or of its closest parent that has one. */
  positionOf(pointer: string): SourcePosition {
    return this.#at(this.#find(pointer)?.value ?? 0);
  }

  /** Position of the key of the map entry at `pointer` (falls back to the value's). */
  keyPositionOf(pointer: string): SourcePosition {
    const e = this.#find(pointer);
    return this.#at(e?.key ?? e?.value ?? 0);
  }

  /**
   * Position of the character at `offset` inside the string value at
   * `pointer`. Exact for plain, quoted and literal block scalars on one line;
   * a close approximation for folded multi-line text.
   */
  stringPositionOf(pointer: string, offset: number): SourcePosition {
    const e = this.#entries.get(pointer);
    if (!e?.scalar) return this.positionOf(pointer);
    return this.#at(scalarOffset(this.#text, e.value, e.scalar.end, e.scalar.type, offset));
  }

  /** True when a value was written at exactly this pointer. */
  has(pointer: string): boolean {
    return this.#entries.has(pointer);
  }

  #find(pointer: string): Entry | undefined {
    let p = pointer;
    for (;;) {
      const e = this.#entries.get(p);
      if (e || p === '') return e;
      p = p.slice(0, p.lastIndexOf('/'));
    }
  }

  #at(offset: number): SourcePosition {
    const { line, col } = this.#lines.linePos(offset);
    return { file: this.file, line, col };
  }

  #walk(node: Node, pointer: string, keyOffset: number | undefined): void {
    const start = node.range?.[0] ?? 0;
    const entry: Entry = { value: start };
    if (keyOffset !== undefined) entry.key = keyOffset;
    if (isScalar(node) && typeof node.value === 'string' && node.type) entry.scalar = { type: node.type, end: node.range?.[1] ?? start };
    this.#index!.set(pointer, entry);
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const keyStart = (pair.key as Node | null)?.range?.[0];
        const child = `${pointer}/${escapePointer(key)}`;
        if (pair.value && !isAlias(pair.value)) this.#walk(pair.value as Node, child, keyStart);
        else
          this.#index!.set(child, {
            value: (pair.value as Node | null)?.range?.[0] ?? keyStart ?? start,
            ...(keyStart === undefined ? {} : { key: keyStart }),
          });
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        if (item && !isAlias(item)) this.#walk(item as Node, `${pointer}/${i}`, undefined);
        else this.#index!.set(`${pointer}/${i}`, { value: (item as Node | null)?.range?.[0] ?? start });
      });
    }
  }
}

/** Maps an offset inside a scalar's value to an offset in the source text. */
function scalarOffset(text: string, start: number, end: number, type: Scalar.Type, target: number): number {
  if (type === 'BLOCK_LITERAL' || type === 'BLOCK_FOLDED') return blockScalarOffset(text, start, end, target);
  return flowScalarOffset(text, type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE' ? start + 1 : start, end, type, target);
}

/** {@link scalarOffset} for a block scalar (`|` or `>`): its lines start at the indentation of the first non-empty one. */
function blockScalarOffset(text: string, start: number, end: number, target: number): number {
  let i = text.indexOf('\n', start) + 1;
  if (i <= 0) return start;
  let v = 0;
  // The block's indentation is that of its first non-empty line.
  let j = i;
  while (text[j] === '\n') j++;
  let k = j;
  while (text[k] === ' ') k++;
  const indent = k - j;
  i = j + indent;
  while (v < target && i < end) {
    if (text[i] === '\n') {
      i++;
      v++;
      let n = 0;
      while (n < indent && text[i] === ' ') {
        i++;
        n++;
      }
      continue;
    }
    i++;
    v++;
  }
  return i;
}

/** {@link scalarOffset} for a plain or quoted scalar from `i`, its first character: folded line breaks, escapes and doubled quotes. */
function flowScalarOffset(text: string, i: number, end: number, type: Scalar.Type, target: number): number {
  let v = 0;
  const skipIndent = () => {
    while (i < end && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  while (v < target && i < end) {
    const c = text[i];
    if (c === '\n' || c === '\r') {
      // A line break inside a flow scalar folds into one space.
      i++;
      skipIndent();
      v++;
      continue;
    }
    if (type === 'QUOTE_DOUBLE' && c === '\\') {
      const esc = text[i + 1];
      if (esc === '\n') {
        i += 2;
        skipIndent();
        continue;
      }
      i += esc === 'x' ? 4 : esc === 'u' ? 6 : esc === 'U' ? 10 : 2;
      v++;
      continue;
    }
    if (type === 'QUOTE_SINGLE' && c === "'" && text[i + 1] === "'") {
      i += 2;
      v++;
      continue;
    }
    i++;
    v++;
  }
  return i;
}
