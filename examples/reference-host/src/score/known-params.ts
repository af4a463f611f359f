import { resolveParams } from './placeholder-fill';
import { refKeys, refsOf } from './placeholder-syntax';
import type { ScoreSpec } from './score-spec';

/** A resource's params as far as they are known before the resources they read are active. */
export interface KnownParams {
  /** Every param: filled when it reads no resource, as written when it does. */
  properties: Record<string, unknown>;
  /** The params that read other resources' outputs (their values are not known yet). */
  unknown: Set<string>;
}

/**
 * The params of resource `name` as far as they can be known now: those that
 * read only metadata are filled, those that read other resources are kept as
 * written and named in `unknown`, so that a provider's parameter checks can
 * run on the rest at submit.
 */
export function knownParams(spec: ScoreSpec, name: string): KnownParams {
  const params = spec.resources?.[name]?.params ?? {};
  const unknown = new Set(Object.keys(params).filter((key) => readsResources(params[key])));
  const known = Object.fromEntries(Object.entries(params).filter(([key]) => !unknown.has(key)));
  const partial: ScoreSpec = { ...spec, resources: { ...spec.resources, [name]: { ...spec.resources![name]!, params: known } } };
  const filled = resolveParams(partial, name, () => undefined);
  return { properties: { ...filled, ...Object.fromEntries([...unknown].map((key) => [key, params[key]])) }, unknown };
}

function readsResources(value: unknown): boolean {
  if (typeof value === 'string') return refsOf(value).some((ref) => refKeys(ref)[0] === 'resources');
  if (typeof value === 'object' && value !== null) return Object.values(value).some(readsResources);
  return false;
}
