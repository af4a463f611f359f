import { ScoreError } from '../errors';
import type { YamlSource } from '../util/yaml-source';
import { at } from './issue-at';

/**
 * The order resources can be provisioned in when some resources' params read
 * other resources' outputs: every resource after the ones it reads, names
 * sorted within a round (deterministic). A cycle (`a` reads `b`, `b` reads
 * `a`) is a {@link ScoreError} `PLACEHOLDER_CYCLE` naming the resources on it.
 */
export function provisioningOrder(names: readonly string[], dependsOn: ReadonlyMap<string, ReadonlySet<string>>, source?: YamlSource): string[] {
  const waiting = new Map(names.map((n) => [n, new Set(dependsOn.get(n) ?? [])]));
  const order: string[] = [];
  for (;;) {
    const ready = [...waiting]
      .filter(([, deps]) => deps.size === 0)
      .map(([n]) => n)
      .sort();
    if (ready.length === 0) break;
    for (const n of ready) {
      waiting.delete(n);
      order.push(n);
    }
    for (const deps of waiting.values()) for (const n of ready) deps.delete(n);
  }
  if (waiting.size === 0) return order;
  const cycle = findCycle(waiting);
  const text = [...cycle, cycle[0]].join(' → ');
  const issues = cycle.map((n, i) =>
    at(
      source,
      ['resources', n, 'params'],
      `reads outputs of '${cycle[(i + 1) % cycle.length]}', which (through ${text}) reads this resource's outputs: a cycle`,
    ),
  );
  throw new ScoreError(`Score spec's resource params read each other's outputs in a cycle: ${text}`, issues, 'PLACEHOLDER_CYCLE');
}

/** One cycle among resources that could not be ordered (each has an unmet dependency inside the set). */
function findCycle(waiting: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const path: string[] = [];
  let node = [...waiting.keys()].sort()[0]!;
  while (!path.includes(node)) {
    path.push(node);
    node = [...waiting.get(node)!].sort()[0]!;
  }
  return path.slice(path.indexOf(node));
}
