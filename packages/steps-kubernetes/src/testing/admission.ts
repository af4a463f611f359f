import { builtinKind } from '../crd/builtin-kinds';
import { invalid } from '../crd/causes';
import { CrdError, invalidMessage, loadCrd, validateCustomResource, type FieldCause, type FieldValidation, type LoadedCrd } from '../crd/index';
import { ApiStatusError } from './api-status';
import { isPlainObject } from './merge';
import type { MockObject, ResolvedKind } from './types';

/** Largest object the store accepts (bytes of JSON), like etcd's request limit. */
export const MAX_OBJECT_BYTES = 1_500_000;

/** What admission made of an object: the object to store and the warnings for the client. */
export interface Admitted {
  object: MockObject;
  warnings: string[];
}

/** `postgresql.acid.zalan.do` or `ConfigMap`: the qualified kind the API server names in a 422. */
export function qualifiedKind(kind: ResolvedKind): string {
  return kind.group ? `${kind.kind}.${kind.group}` : kind.kind;
}

/**
 * Validates an object about to be stored, like the API server: size; for a
 * kind from a CRD or a built-in kind, its schema (unknown fields pruned, or
 * 400 under `fieldValidation=Strict`, defaults applied, 422 with causes);
 * for a kind registered with `validate`, that function.
 */
export function admit(kind: ResolvedKind, object: MockObject, old: MockObject | undefined, fieldValidation: FieldValidation | undefined): Admitted {
  const bytes = JSON.stringify(object).length;
  if (bytes > MAX_OBJECT_BYTES) throw new ApiStatusError(413, 'RequestEntityTooLarge', `object is ${bytes} bytes; the limit is ${MAX_OBJECT_BYTES}`);
  if (kind.group === 'apiextensions.k8s.io' && kind.kind === 'CustomResourceDefinition') checkCrd(object);
  const schema = kind.crd ?? (kind.builtin ? builtinKind(kind.group, kind.kind) : undefined);
  if (schema) {
    const unchanged = old && acceptedBy.get(old) === schema ? unchangedFields(object, old) : undefined;
    const verdict = validateCustomResource(schema, object, {
      ...(fieldValidation ? { fieldValidation } : {}),
      ...(old ? { oldObject: old } : {}),
      ...(unchanged ? { unchanged } : {}),
    });
    if (verdict.strictError) throw new ApiStatusError(400, 'BadRequest', verdict.strictError);
    if (verdict.causes.length) {
      throw new ApiStatusError(422, 'Invalid', invalidMessage(qualifiedKind(kind), object.metadata.name, verdict.causes), {
        name: object.metadata.name,
        group: kind.group,
        kind: kind.kind,
        causes: verdict.causes.map((c) => ({ reason: c.reason, message: c.message, field: c.field })),
      });
    }
    acceptedBy.set(verdict.object, schema);
    return { object: verdict.object as MockObject, warnings: verdict.warnings };
  }
  const problems = kind.validate?.(object) ?? [];
  if (problems.length) {
    throw new ApiStatusError(422, 'Invalid', `${kind.kind}.${kind.group || 'core'} "${object.metadata.name}" is invalid: ${problems.join(', ')}`, {
      name: object.metadata.name,
      kind: kind.kind,
      causes: problems.map((p) => ({ reason: 'FieldValueInvalid', message: p })),
    });
  }
  return { object, warnings: [] };
}

/**
 * The schema each admitted object was accepted with: its fields are that
 * schema's own output (pruned, defaulted, valid). Stored objects are never
 * changed but for their metadata, so a later write that keeps one of their
 * fields (the same value, as a status write keeps `spec`) need not check it again.
 */
const acceptedBy = new WeakMap<object, LoadedCrd>();

/** The top-level fields (besides apiVersion, kind and metadata) `object` has as they are in `old`, the very same values; undefined when none. */
function unchangedFields(object: MockObject, old: MockObject): Set<string> | undefined {
  if (object.apiVersion !== old.apiVersion) return undefined;
  const out = new Set<string>();
  for (const key in object) {
    const value = object[key];
    if (key !== 'apiVersion' && key !== 'kind' && key !== 'metadata' && value !== undefined && value === old[key]) out.add(key);
  }
  return out.size ? out : undefined;
}

/** Like the API server: a Secret's write-only `stringData` is base64-encoded into `data`. */
export function normalizeSecret(kind: ResolvedKind, obj: MockObject): MockObject {
  if (kind.group !== '' || kind.kind !== 'Secret' || !isPlainObject(obj.stringData)) return obj;
  const data = isPlainObject(obj.data) ? { ...obj.data } : {};
  for (const [k, v] of Object.entries(obj.stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
  obj.data = data;
  delete obj.stringData;
  return obj;
}

/** A CustomResourceDefinition is checked like the API server does (names, versions, structural schema); 422 with causes. */
function checkCrd(object: MockObject): void {
  try {
    const crd = loadCrd(object);
    const gone = storedVersionsGone(
      object,
      crd.versions.map((v) => v.name),
    );
    if (gone.length) throw new CrdError('CRD_INVALID', 'stored versions are not in spec.versions', { causes: gone });
  } catch (err) {
    if (!(err instanceof CrdError)) throw err;
    const causes = err.causes.map((c) => ({ reason: c.reason, message: c.message, field: c.field }));
    throw new ApiStatusError(
      422,
      'Invalid',
      causes.length ? invalidMessage('CustomResourceDefinition.apiextensions.k8s.io', object.metadata.name, err.causes) : err.message,
      {
        name: object.metadata.name,
        group: 'apiextensions.k8s.io',
        kind: 'CustomResourceDefinition',
        causes,
      },
    );
  }
}

/** A version objects may still be stored at (`status.storedVersions`) cannot leave `spec.versions`, as on the API server. */
function storedVersionsGone(object: MockObject, versions: string[]): FieldCause[] {
  const stored = isPlainObject(object.status) && Array.isArray(object.status.storedVersions) ? object.status.storedVersions : [];
  return stored.flatMap((v, i) => (versions.includes(v as string) ? [] : [invalid(['status', 'storedVersions', i], v, 'must appear in spec.versions')]));
}
