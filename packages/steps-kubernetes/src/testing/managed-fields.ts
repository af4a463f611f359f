import { ApiStatusError } from './api-status';
import type { JSONSchemaProps } from '../crd/index';
import { applyMerge } from './apply-merge';
import {
  appliedFields,
  compareObjects,
  deleteAt,
  fromFieldsV1,
  isItemKey,
  isUnder,
  pathString,
  toFieldsV1,
  type FieldPathKey,
  type FieldScope,
} from './field-set';
import { isPlainObject } from './merge';
import type { MockObject } from './types';
import { nowSeconds } from './timestamps';

/** One `metadata.managedFields` entry. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

interface Owner {
  entry: ManagedFieldsEntry;
  fields: Set<FieldPathKey>;
}

function owners(object: MockObject | undefined): Owner[] {
  const list = object?.metadata.managedFields;
  if (!Array.isArray(list)) return [];
  return list.filter(isPlainObject).map((e) => ({ entry: e as unknown as ManagedFieldsEntry, fields: fromFieldsV1(e.fieldsV1) }));
}

function sameSubresource(e: ManagedFieldsEntry, subresource: string | undefined): boolean {
  return (e.subresource ?? '') === (subresource ?? '');
}

function write(object: MockObject, list: Owner[], previous: MockObject | undefined): void {
  const before = new Map(owners(previous).map((o) => [`${o.entry.manager}|${o.entry.operation}|${o.entry.subresource ?? ''}`, o]));
  const entries = list
    .filter((o) => o.fields.size > 0)
    .map((o) => {
      const old = before.get(`${o.entry.manager}|${o.entry.operation}|${o.entry.subresource ?? ''}`);
      const unchanged = old && old.fields.size === o.fields.size && [...o.fields].every((f) => old.fields.has(f));
      // An unchanged set keeps its time and its tree (stored trees are never changed, so they are shared).
      return { ...o.entry, time: unchanged ? old.entry.time : nowSeconds(), fieldsV1: unchanged ? old.entry.fieldsV1 : toFieldsV1(o.fields) };
    });
  if (entries.length) object.metadata.managedFields = entries;
  else delete object.metadata.managedFields;
}

/** What a server-side apply asks for. */
export interface ApplyRequest {
  manager: string;
  force: boolean;
  subresource?: 'status';
  apiVersion: string;
  /** The schema of the kind's objects: how lists merge and what is owned (untyped without one). */
  schema?: JSONSchemaProps;
}

/**
 * Server-side apply with field ownership, as the API server does it:
 * merges `config` into `live` by the kind's schema, removes what this
 * manager applied before and applies no more (unless another manager owns
 * it or something under it), and answers 409 when the result changes a
 * field another manager owns (unless `force`, which takes it over). Returns
 * the new object with its `managedFields`.
 */
export function serverSideApply(live: MockObject | undefined, config: MockObject, request: ApplyRequest): MockObject {
  const scope: FieldScope = request.subresource === 'status' ? 'status' : 'main';
  const applied = appliedFields(config, request.schema, scope);
  const list = owners(live);
  const mine = list.find((o) => o.entry.manager === request.manager && o.entry.operation === 'Apply' && sameSubresource(o.entry, request.subresource));
  const others = list.filter((o) => o !== mine);
  const next = applyMerge(live ?? {}, config, request.schema) as MockObject;
  prune(next, mine?.fields, [applied, ...others.map((o) => o.fields)], request.schema);
  const compare = compareObjects(live, next, request.schema, scope);
  const conflicts = new Map<string, string[]>();
  for (const other of others) {
    const taken = [...other.fields].filter((f) => compare.modified.has(f) || compare.added.has(f));
    if (taken.length) conflicts.set(other.entry.manager, [...(conflicts.get(other.entry.manager) ?? []), ...taken]);
  }
  if (conflicts.size && !request.force) throw conflictError(conflicts, request.apiVersion);
  for (const other of others)
    for (const f of other.fields) if (compare.modified.has(f) || compare.added.has(f) || compare.removed.has(f)) other.fields.delete(f);
  const entry: ManagedFieldsEntry = {
    manager: request.manager,
    operation: 'Apply',
    apiVersion: request.apiVersion,
    time: nowSeconds(),
    fieldsType: 'FieldsV1',
    fieldsV1: {},
    ...(request.subresource ? { subresource: request.subresource } : {}),
  };
  const updated = mine
    ? list.map((o) => (o === mine ? { entry: { ...mine.entry, apiVersion: request.apiVersion }, fields: applied } : o))
    : [...list, { entry, fields: applied }];
  write(next, updated, live);
  return next;
}

/** Removes from `object` what `last` owned and no set of `owned` owns (neither the field nor anything under it). */
function prune(object: MockObject, last: Set<FieldPathKey> | undefined, owned: Array<Set<FieldPathKey>>, schema: JSONSchemaProps | undefined): void {
  if (!last?.size) return;
  const dropped = [...last].filter((f) => !owned.some((set) => set.has(f)));
  if (!dropped.length) return;
  const all = owned.flatMap((set) => [...set]);
  // Shallower first: an item goes before its fields are looked for; a kept item keeps its key fields.
  const depth = (f: FieldPathKey) => (JSON.parse(f) as unknown[]).length;
  for (const f of dropped.sort((a, b) => depth(a) - depth(b))) if (!isItemKey(f) && !all.some((o) => isUnder(o, f))) deleteAt(object, f, schema);
}

/**
 * Field ownership after a write that is not an apply (create, update,
 * patch), as the API server tracks it: the manager takes every field the
 * write added or changed; other managers lose those, and everyone loses
 * removed fields. Sets `next.metadata.managedFields`.
 */
export function trackUpdate(
  previous: MockObject | undefined,
  next: MockObject,
  request: { manager: string; subresource?: 'status'; apiVersion: string; schema?: JSONSchemaProps },
): void {
  const scope: FieldScope = request.subresource === 'status' ? 'status' : 'main';
  const compare = compareObjects(previous, next, request.schema, scope);
  const list = owners(previous);
  for (const o of list) for (const f of o.fields) if (compare.modified.has(f) || compare.added.has(f) || compare.removed.has(f)) o.fields.delete(f);
  let mine = list.find((o) => o.entry.manager === request.manager && o.entry.operation === 'Update' && sameSubresource(o.entry, request.subresource));
  if (!mine) {
    mine = {
      entry: {
        manager: request.manager,
        operation: 'Update',
        apiVersion: request.apiVersion,
        time: nowSeconds(),
        fieldsType: 'FieldsV1',
        fieldsV1: {},
        ...(request.subresource ? { subresource: request.subresource } : {}),
      },
      fields: new Set(),
    };
    list.push(mine);
  } else if (compare.added.size || compare.modified.size) mine.entry = { ...mine.entry, apiVersion: request.apiVersion };
  for (const f of compare.added) mine.fields.add(f);
  for (const f of compare.modified) mine.fields.add(f);
  write(next, list, previous);
}

function conflictError(conflicts: Map<string, string[]>, apiVersion: string): ApiStatusError {
  const count = [...conflicts.values()].reduce((n, f) => n + f.length, 0);
  const parts = [...conflicts.entries()].map(([manager, fields]) =>
    fields.length === 1
      ? `conflict with "${manager}" using ${apiVersion}: ${pathString(fields[0]!)}`
      : `conflicts with "${manager}" using ${apiVersion}:\n${fields.map((f) => `- ${pathString(f)}`).join('\n')}`,
  );
  const causes = [...conflicts.entries()].flatMap(([manager, fields]) =>
    fields.map((f) => ({ reason: 'FieldManagerConflict', message: `conflict with "${manager}" using ${apiVersion}`, field: pathString(f) })),
  );
  return new ApiStatusError(409, 'Conflict', `Apply failed with ${count} conflict${count === 1 ? '' : 's'}: ${parts.join('\n')}`, { causes });
}
