import { varPointer } from './declarations';
import type { IssueList } from './issues';

/**
 * Orders vars so that each comes after the vars it reads, reporting every
 * cycle once (`vars form a cycle: a -> b -> a`, at the key of its first var).
 * Vars on a cycle are left out of the order.
 */
export function orderVars(deps: ReadonlyMap<string, readonly string[]>, issues: IssueList): string[] {
  const order: string[] = [];
  const ordered = new Set<string>();
  const state = new Map<string, 'visiting' | 'done'>();
  const reported = new Set<string>();
  const visit = (name: string, trail: string[]): boolean => {
    const s = state.get(name);
    if (s === 'done') return ordered.has(name);
    if (s === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(name)), name];
      const key = [...new Set(cycle)].sort().join(',');
      if (!reported.has(key)) {
        reported.add(key);
        issues.error('VARS_CYCLE', `vars form a cycle: ${cycle.join(' -> ')}`, varPointer(cycle[0]!), 'key');
      }
      return false;
    }
    state.set(name, 'visiting');
    let ok = true;
    for (const d of deps.get(name) ?? []) if (deps.has(d) && !visit(d, [...trail, name])) ok = false;
    state.set(name, 'done');
    if (ok) {
      order.push(name);
      ordered.add(name);
    }
    return ok;
  };
  for (const name of deps.keys()) visit(name, []);
  return order;
}
