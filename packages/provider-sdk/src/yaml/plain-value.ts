import { Pair, Scalar, YAMLMap, YAMLSeq, type Document } from 'yaml';
import { type ExpansionBudget, scalarBytes } from './expansion-limit';

/** Met a node the direct conversion does not handle: the document is read by `toJS` instead. */
const UNUSUAL = Symbol('unusual node');

/**
 * The plain value of a parsed document without aliases, built in one walk
 * that also counts its values and bytes against `budget` (throwing
 * `ExpansionExcessError` at the value that crosses a limit). Gives the same
 * value as `doc.toJS()`; gives `{ unusual: true }` instead for a
 * document holding an alias or a node of another class than plain scalars,
 * mappings and lists, which the caller reads the general way.
 */
export function plainValue(doc: Document.Parsed, budget: ExpansionBudget): { value: unknown } | { unusual: true } {
  const value = convert(doc.contents, budget);
  return value === UNUSUAL ? { unusual: true } : { value };
}

function convert(node: unknown, budget: ExpansionBudget): unknown {
  if (node === null || node === undefined) return null;
  const kind = (node as object).constructor;
  if (kind === Scalar) {
    const scalar = node as Scalar;
    budget.add(1, scalarBytes(scalar.value), scalar.range?.[0] ?? 0);
    const v = scalar.value;
    return typeof v === 'bigint' ? Number(v) : v;
  }
  if (kind === YAMLMap) {
    const map = node as YAMLMap;
    budget.add(1, 0, map.range?.[0] ?? 0);
    const out: Record<string, unknown> = {};
    for (const pair of map.items) {
      if ((pair as object).constructor !== Pair || !(pair.key === null || (pair.key as object).constructor === Scalar)) return UNUSUAL;
      const jsKey = convert(pair.key, budget);
      if (typeof jsKey === 'object' && jsKey !== null) return UNUSUAL;
      const key = jsKey === null ? '' : String(jsKey);
      const value = convert(pair.value, budget);
      if (value === UNUSUAL) return UNUSUAL;
      // As `toJS` does: a key the object already has (`__proto__`, a duplicate) becomes an own property.
      if (key in out) Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
      else out[key] = value;
    }
    return out;
  }
  if (kind === YAMLSeq) {
    const seq = node as YAMLSeq;
    budget.add(1, 0, seq.range?.[0] ?? 0);
    const out: unknown[] = [];
    for (const item of seq.items) {
      const value = convert(item, budget);
      if (value === UNUSUAL) return UNUSUAL;
      out.push(value);
    }
    return out;
  }
  return UNUSUAL;
}
