import { ApiStatusError } from './api-status';
import { applyMerge, conflictPath, deleteAt, fieldSet, fromFieldsV1, sameAt, toFieldsV1, type FieldPathKey, type FieldScope } from './field-set';
import { clone, isPlainObject } from './merge';
import type { MockObject } from './types';

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

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

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
      // An unchanged set keeps its time, and a copy of its tree (cheaper than building it again).
      return { ...o.entry, time: unchanged ? old.entry.time : now(), fieldsV1: unchanged ? clone(old.entry.fieldsV1) : toFieldsV1(o.fields) };
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
}

/**
 * Server-side apply with field ownership: merges `config` into `live`,
 * removes the fields this manager applied before and applies no more (unless
 * another manager owns them), and answers 409 when a field another manager
 * owns would change (unless `force`, which takes it over). Returns the new
 * object with its `managedFields`.
 */
export function serverSideApply(live: MockObject | undefined, config: MockObject, request: ApplyRequest): MockObject {
  const scope: FieldScope = request.subresource === 'status' ? 'status' : 'main';
  const applied = fieldSet(config, scope);
  const list = owners(live);
  const mine = list.find((o) => o.entry.manager === request.manager && o.entry.operation === 'Apply' && sameSubresource(o.entry, request.subresource));
  const others = list.filter((o) => o !== mine);
  const conflicts = new Map<string, string[]>();
  for (const other of others) {
    for (const f of applied) {
      if (other.fields.has(f) && !sameAt(live, config, f)) {
        const at = conflicts.get(other.entry.manager) ?? [];
        conflicts.set(other.entry.manager, [...at, f]);
      }
    }
  }
  if (conflicts.size && !request.force) throw conflictError(conflicts, request.apiVersion);
  const next = applyMerge(live ?? {}, config) as MockObject;
  for (const dropped of mine?.fields ?? []) {
    if (!applied.has(dropped) && !others.some((o) => o.fields.has(dropped))) deleteAt(next, dropped);
  }
  if (request.force) for (const other of others) for (const f of conflicts.get(other.entry.manager) ?? []) other.fields.delete(f);
  const entry: ManagedFieldsEntry = {
    manager: request.manager,
    operation: 'Apply',
    apiVersion: request.apiVersion,
    time: now(),
    fieldsType: 'FieldsV1',
    fieldsV1: {},
    ...(request.subresource ? { subresource: request.subresource } : {}),
  };
  const updated = mine ? list.map((o) => (o === mine ? { entry: mine.entry, fields: applied } : o)) : [...list, { entry, fields: applied }];
  write(next, updated, live);
  return next;
}

/**
 * Field ownership after a write that is not an apply (create, update,
 * patch): the manager takes every field it set or changed; other managers
 * lose the fields that changed. Sets `next.metadata.managedFields`.
 */
export function trackUpdate(
  previous: MockObject | undefined,
  next: MockObject,
  request: { manager: string; subresource?: 'status'; apiVersion: string },
): void {
  const scope: FieldScope = request.subresource === 'status' ? 'status' : 'main';
  const after = fieldSet(next, scope);
  const before = previous ? fieldSet(previous, scope) : new Set<FieldPathKey>();
  const changed = new Set([...after].filter((f) => !before.has(f) || !sameAt(previous, next, f)));
  const removed = [...before].filter((f) => !after.has(f));
  const list = owners(previous);
  for (const o of list) for (const f of [...changed, ...removed]) o.fields.delete(f);
  let mine = list.find((o) => o.entry.manager === request.manager && o.entry.operation === 'Update' && sameSubresource(o.entry, request.subresource));
  if (!mine) {
    mine = {
      entry: {
        manager: request.manager,
        operation: 'Update',
        apiVersion: request.apiVersion,
        time: now(),
        fieldsType: 'FieldsV1',
        fieldsV1: {},
        ...(request.subresource ? { subresource: request.subresource } : {}),
      },
      fields: new Set(),
    };
    list.push(mine);
  }
  for (const f of changed) mine.fields.add(f);
  for (const o of list) for (const f of [...o.fields]) if (!after.has(f) && scopeHas(scope, f)) o.fields.delete(f);
  write(next, list, previous);
}

function scopeHas(scope: FieldScope, key: FieldPathKey): boolean {
  const top = (JSON.parse(key) as string[])[0];
  return scope === 'status' ? top === 'status' : top !== 'status';
}

function conflictError(conflicts: Map<string, string[]>, apiVersion: string): ApiStatusError {
  const count = [...conflicts.values()].reduce((n, f) => n + f.length, 0);
  const parts = [...conflicts.entries()].map(([manager, fields]) =>
    fields.length === 1
      ? `conflict with "${manager}" using ${apiVersion}: ${conflictPath(fields[0]!)}`
      : `conflicts with "${manager}" using ${apiVersion}:\n${fields.map((f) => `- ${conflictPath(f)}`).join('\n')}`,
  );
  const causes = [...conflicts.entries()].flatMap(([manager, fields]) =>
    fields.map((f) => ({ reason: 'FieldManagerConflict', message: `conflict with "${manager}" using ${apiVersion}`, field: conflictPath(f) })),
  );
  return new ApiStatusError(409, 'Conflict', `Apply failed with ${count} conflict${count === 1 ? '' : 's'}: ${parts.join('\n')}`, { causes });
}
