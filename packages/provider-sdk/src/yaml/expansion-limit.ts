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

class Excess extends Error {
  constructor(readonly excess: YamlExpansionExcess) {
    super(excess.message);
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
  const total: Size = { nodes: 0, bytes: 0 };
  const anchors = new Map<string, Node>();
  const measured = new Map<Node, Size>();
  const open = new Set<Node>();

  const add = (size: Size, offset: number, alias?: string) => {
    total.nodes += size.nodes;
    total.bytes += size.bytes;
    const via = alias === undefined ? '' : ` (at alias *${alias})`;
    if (total.nodes > limits.maxNodes) {
      throw new Excess({
        limit: 'nodes',
        offset,
        message: `document expands to more than ${limits.maxNodes} values after alias expansion${via}; the limit is ${limits.maxNodes}`,
      });
    }
    if (total.bytes > limits.maxBytes) {
      throw new Excess({
        limit: 'bytes',
        offset,
        message: `document expands to more than ${limits.maxBytes} bytes of text after alias expansion${via}; the limit is ${limits.maxBytes}`,
      });
    }
  };

  const walk = (node: unknown): void => {
    if (isAlias(node)) {
      const offset = node.range?.[0] ?? 0;
      const target = anchors.get(node.source);
      if (!target) return; // the parser has already reported an unknown anchor
      if (open.has(target)) {
        throw new Excess({ limit: 'cycle', offset, message: `alias *${node.source} is inside the value it names (a recursive document)` });
      }
      add(measured.get(target) ?? { nodes: 1, bytes: 0 }, offset, node.source);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const n = node as Node;
    const offset = n.range?.[0] ?? 0;
    if (n.anchor) anchors.set(n.anchor, n);
    const before: Size = { ...total };
    open.add(n);
    if (isScalar(n)) {
      add({ nodes: 1, bytes: scalarBytes(n.value) }, offset);
    } else if (isMap(n) || isSeq(n)) {
      add({ nodes: 1, bytes: 0 }, offset);
      for (const item of n.items) {
        if (isPair(item)) {
          walk(item.key);
          walk(item.value);
        } else walk(item);
      }
    }
    open.delete(n);
    if (n.anchor) measured.set(n, { nodes: total.nodes - before.nodes, bytes: total.bytes - before.bytes });
  };

  try {
    walk(doc.contents);
  } catch (err) {
    if (err instanceof Excess) return err.excess;
    throw err;
  }
  return undefined;
}

function scalarBytes(value: unknown): number {
  if (value === null || value === undefined) return 0;
  return Buffer.byteLength(typeof value === 'string' ? value : String(value));
}
