import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml';

/** Bounds on a YAML document after alias expansion (what reading it as plain data would build). */
export interface YamlExpansionLimits {
  /** Most values (scalars, mappings, lists; keys included) in the expanded document. */
  maxNodes: number;
  /** Most bytes (UTF-8) of scalar text (keys and values) in the expanded document. */
  maxBytes: number;
}

/** Most values in an expanded document, by default (a 1 MiB file of short values stays under it). */
export const MAX_EXPANDED_NODES = 250_000;

/** Most bytes of scalar text in an expanded document, by default (twice the largest file read). */
export const MAX_EXPANDED_BYTES = 2 * 1024 * 1024;

/** The default {@link YamlExpansionLimits}. */
export const DEFAULT_EXPANSION_LIMITS: YamlExpansionLimits = { maxNodes: MAX_EXPANDED_NODES, maxBytes: MAX_EXPANDED_BYTES };

/** Why a document is refused: which limit, and the offset of the value that crossed it. */
export interface YamlExpansionExcess {
  /** The limit crossed: `nodes`, `bytes`, or `cycle` (an alias inside the value it names). */
  limit: 'nodes' | 'bytes' | 'cycle';
  /** Offset in the text of the value (usually an alias) at which the limit was crossed. */
  offset: number;
  /** What to tell the user, naming the limit. */
  message: string;
}

interface Size {
  nodes: number;
  bytes: number;
}

/** Thrown by {@link ExpansionBudget.add} when a limit is crossed. */
export class ExpansionExcessError extends Error {
  constructor(readonly excess: YamlExpansionExcess) {
    super(excess.message);
  }
}

/**
 * The running count of values and bytes of text a document expands to,
 * against {@link YamlExpansionLimits}: the one place the limits are applied
 * (by {@link checkYamlExpansion}, and by the loader as it builds a document
 * without aliases).
 */
export class ExpansionBudget {
  nodes = 0;
  bytes = 0;

  constructor(readonly limits: YamlExpansionLimits = DEFAULT_EXPANSION_LIMITS) {}

  /**
   * Adds the size of a value found at `offset` (reached through alias
   * `*alias`, when given); throws {@link ExpansionExcessError} over a limit.
   */
  add(nodes: number, bytes: number, offset: number, alias?: string): void {
    this.nodes += nodes;
    this.bytes += bytes;
    const via = alias === undefined ? '' : ` (at alias *${alias})`;
    const { maxNodes, maxBytes } = this.limits;
    if (this.nodes > maxNodes) {
      throw new ExpansionExcessError({
        limit: 'nodes',
        offset,
        message: `document expands to more than ${maxNodes} values after alias expansion${via}; the limit is ${maxNodes}`,
      });
    }
    if (this.bytes > maxBytes) {
      throw new ExpansionExcessError({
        limit: 'bytes',
        offset,
        message: `document expands to more than ${maxBytes} bytes of text after alias expansion${via}; the limit is ${maxBytes}`,
      });
    }
  }
}

/**
 * Measures a parsed document as it would be after alias expansion, without
 * expanding it: each anchored value is measured once and every alias adds
 * that size. Work is linear in the text. Returns the first limit crossed
 * (walking in document order), or undefined when the document fits.
 */
export function checkYamlExpansion(doc: Document, limits: YamlExpansionLimits = DEFAULT_EXPANSION_LIMITS): YamlExpansionExcess | undefined {
  if (!doc.contents) return undefined;
  const budget = new ExpansionBudget(limits);
  const anchors = new Map<string, Node>();
  const measured = new Map<Node, Size>();
  const open = new Set<Node>();

  const walk = (node: unknown): void => {
    if (isAlias(node)) {
      const offset = node.range?.[0] ?? 0;
      const target = anchors.get(node.source);
      if (!target) return; // the parser has already reported an unknown anchor
      if (open.has(target)) {
        throw new ExpansionExcessError({ limit: 'cycle', offset, message: `alias *${node.source} is inside the value it names (a recursive document)` });
      }
      const size = measured.get(target) ?? { nodes: 1, bytes: 0 };
      budget.add(size.nodes, size.bytes, offset, node.source);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const n = node as Node;
    const offset = n.range?.[0] ?? 0;
    if (n.anchor) anchors.set(n.anchor, n);
    const before: Size = { nodes: budget.nodes, bytes: budget.bytes };
    open.add(n);
    if (isScalar(n)) {
      budget.add(1, scalarBytes(n.value), offset);
    } else if (isMap(n) || isSeq(n)) {
      budget.add(1, 0, offset);
      for (const item of n.items) {
        if (isPair(item)) {
          walk(item.key);
          walk(item.value);
        } else walk(item);
      }
    }
    open.delete(n);
    if (n.anchor) measured.set(n, { nodes: budget.nodes - before.nodes, bytes: budget.bytes - before.bytes });
  };

  try {
    walk(doc.contents);
  } catch (err) {
    if (err instanceof ExpansionExcessError) return err.excess;
    throw err;
  }
  return undefined;
}

/** Bytes (UTF-8) of a scalar's text, as the expansion limit counts them. */
export function scalarBytes(value: unknown): number {
  if (value === null || value === undefined) return 0;
  return Buffer.byteLength(typeof value === 'string' ? value : String(value));
}
