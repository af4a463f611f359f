import { StoreError } from '../errors';
import type { NewResource, ResourceFilter, SpecSummary, StoredSpec } from './types';

/** Longest id, application, name or type a store accepts. */
export const MAX_NAME_LENGTH = 253;
/** Largest serialized `properties` a store accepts (bytes of JSON). */
export const MAX_PROPERTIES_BYTES = 256 * 1024;
/** Largest serialized spec a store accepts (bytes of JSON). */
export const MAX_SPEC_BYTES = 4 * 1024 * 1024;
/** Most resources one `listResources` call returns. */
export const MAX_LIST_LIMIT = 10_000;
/** Most ids one `listResources` call's `alsoIds` may name. */
export const MAX_ALSO_IDS = 1000;

/** Rejects a new resource whose fields are missing, too long or too large, naming the field and value. */
export function checkNewResource(r: NewResource): void {
  for (const field of ['application', 'name', 'type'] as const) checkName(field, r[field]);
  if (r.id !== undefined) checkName('id', r.id);
  if (r.class !== undefined) checkName('class', r.class);
  if (r.metadata !== undefined) checkMetadata(r.metadata);
  if (typeof r.properties !== 'object' || r.properties === null || Array.isArray(r.properties)) {
    throw new StoreError('RESOURCE_INVALID', `resource field 'properties' must be an object`);
  }
  checkPropertiesSize(r.properties);
}

/** Rejects metadata that is not an object or is larger than {@link MAX_PROPERTIES_BYTES} once serialized. */
export function checkMetadata(metadata: unknown): void {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new StoreError('RESOURCE_INVALID', `resource field 'metadata' must be an object`);
  }
  checkPropertiesSize(metadata as Record<string, unknown>, 'metadata');
}

/** Rejects properties (or another JSON field, named by `field`) larger than {@link MAX_PROPERTIES_BYTES} once serialized. */
export function checkPropertiesSize(properties: Record<string, unknown>, field = 'properties'): void {
  const size = Buffer.byteLength(JSON.stringify(properties) ?? '');
  if (size > MAX_PROPERTIES_BYTES) {
    throw new StoreError('RESOURCE_INVALID', `resource field '${field}' is ${size} bytes; the limit is ${MAX_PROPERTIES_BYTES}`);
  }
}

/** The effective limit of a list call. */
export function listLimit(limit: number | undefined): number {
  if (limit === undefined) return 1000;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw new StoreError('OPTIONS_INVALID', `list limit must be an integer from 1 to ${MAX_LIST_LIMIT}, got ${String(limit)}`);
  }
  return limit;
}

/**
 * The `alsoIds` of a list call, checked: an array of at most
 * {@link MAX_ALSO_IDS} strings. Empty when there are none, or when there is
 * no `application` for them to widen.
 */
export function listAlsoIds(filter: Pick<ResourceFilter, 'application' | 'alsoIds'>): readonly string[] {
  const ids = filter.alsoIds;
  if (ids === undefined) return [];
  if (!Array.isArray(ids) || ids.length > MAX_ALSO_IDS || !ids.every((id) => typeof id === 'string')) {
    throw new StoreError(
      'OPTIONS_INVALID',
      `list alsoIds must be an array of at most ${MAX_ALSO_IDS} strings, got ${Array.isArray(ids) ? `${ids.length} items` : typeof ids}`,
    );
  }
  return filter.application === undefined ? [] : ids;
}

function checkName(field: string, value: unknown): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_NAME_LENGTH) {
    throw new StoreError(
      'RESOURCE_INVALID',
      `resource field '${field}' must be a non-empty string of at most ${MAX_NAME_LENGTH} characters, got ${JSON.stringify(value)?.slice(0, 80)}`,
    );
  }
}

/**
 * Rejects a spec a store cannot keep, with `SPEC_INVALID`: a name that is
 * empty or too long, a spec that is not an object or is larger than
 * {@link MAX_SPEC_BYTES} once serialized, a time that is not ISO-8601.
 * Returns the spec's JSON text, the form a SQL store writes.
 */
export function checkSpec(s: StoredSpec): string {
  if (typeof s.name !== 'string' || s.name.length === 0 || s.name.length > MAX_NAME_LENGTH) {
    throw new StoreError(
      'SPEC_INVALID',
      `spec name must be a non-empty string of at most ${MAX_NAME_LENGTH} characters, got ${JSON.stringify(s.name)?.slice(0, 80)}`,
    );
  }
  if (typeof s.spec !== 'object' || s.spec === null || Array.isArray(s.spec)) throw new StoreError('SPEC_INVALID', `spec '${s.name}' must be an object`);
  if (typeof s.submittedAt !== 'string' || Number.isNaN(Date.parse(s.submittedAt))) {
    throw new StoreError('SPEC_INVALID', `spec '${s.name}': submittedAt must be an ISO-8601 time, got ${JSON.stringify(s.submittedAt)?.slice(0, 80)}`);
  }
  const text = JSON.stringify(s.spec);
  const size = Buffer.byteLength(text);
  if (size > MAX_SPEC_BYTES) throw new StoreError('SPEC_INVALID', `spec '${s.name}' is ${size} bytes of JSON; the limit is ${MAX_SPEC_BYTES}`);
  return text;
}

/** What a spec listing shows of a spec: its name, when, and the sorted keys of its `resources` object. */
export function specSummary(s: StoredSpec): SpecSummary {
  const resources = s.spec.resources;
  const names = typeof resources === 'object' && resources !== null && !Array.isArray(resources) ? Object.keys(resources).sort() : [];
  return { name: s.name, submittedAt: new Date(s.submittedAt).toISOString(), resources: names };
}
