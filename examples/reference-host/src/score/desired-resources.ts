import { PlaceholderError } from '../errors';
import type { ResolvableResource } from './placeholder-fill';
import { resolveParams } from './placeholder-fill';
import type { DesiredResource } from './resource-plan';
import type { ScoreSpec } from './score-spec';

/**
 * Each resource of a spec, in provisioning order, with its params filled
 * from `${metadata...}` and from the outputs of the resources it reads. A
 * resource reading one that is not active yet (or is waiting itself) waits.
 */
export function desiredResources(
  spec: ScoreSpec,
  order: readonly string[],
  dependsOn: ReadonlyMap<string, ReadonlySet<string>>,
  existing: (name: string) => ResolvableResource | undefined,
): DesiredResource[] {
  const out: DesiredResource[] = [];
  const waiting = new Set<string>();
  for (const name of order) {
    const deps = [...(dependsOn.get(name) ?? [])].sort();
    const waitsOn = deps.filter((d) => waiting.has(d) || existing(d)?.state !== 'active');
    if (waitsOn.length) {
      waiting.add(name);
      out.push({ name, properties: undefined, waitsOn });
      continue;
    }
    try {
      out.push({ name, properties: resolveParams(spec, name, existing), waitsOn: [] });
    } catch (err) {
      // Checked at submit: only a resource's state (not active) can stop its params from filling.
      if (!(err instanceof PlaceholderError) || err.code !== 'PLACEHOLDER_NOT_READY') throw err;
      waiting.add(name);
      out.push({ name, properties: undefined, waitsOn: deps });
    }
  }
  return out;
}
