import { invalid, notSupported, required } from './causes';
import { formatPath } from './field-path';
import { isObject } from './json-type';
import { pruneAndDefault, pruneMetadata } from './prune';
import type { CrdVersion, FieldCause, FieldPath, FieldValidation, JSONSchemaProps, LoadedCrd } from './types';
import { validateValue } from './validate-value';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const NAME_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/** Options of {@link validateCustomResource}. */
export interface ValidateCustomResourceOptions {
  /** What unknown fields are: `Strict` an error, `Warn` a warning, `Ignore` (default) silently pruned. */
  fieldValidation?: FieldValidation;
  /** The object stored before this update (enables CEL transition rules that read `oldSelf`). */
  oldObject?: Record<string, unknown>;
  /**
   * Top-level fields (besides apiVersion, kind and metadata) known to be as
   * this same version's schema prunes, defaults and accepts them: an
   * update's fields left as they were stored. They are taken as they are,
   * neither pruned nor checked again (unless the schema has CEL rules or a
   * composition at its root, which see the whole object).
   */
  unchanged?: ReadonlySet<string>;
}

/** What the API server would make of a custom resource: the object it stores, or why it refuses it. */
export interface CustomResourceVerdict {
  /** The object after pruning and defaulting (what would be stored). */
  object: Record<string, unknown>;
  /** Problems that make the API server answer 422 Invalid; empty when valid. */
  causes: FieldCause[];
  /** Paths of the fields that were pruned, e.g. `spec.foo`. */
  unknownFields: string[];
  /** Warnings the API server sends under `fieldValidation=Warn` (`unknown field "spec.foo"`). */
  warnings: string[];
  /** Under `fieldValidation=Strict` with unknown fields: the 400 BadRequest message. */
  strictError?: string;
}

/**
 * Validates a custom resource against its CRD as the API server does on
 * create and update: the version must be served; unknown fields are pruned
 * (listed, and an error under `Strict`); schema defaults are applied; then
 * the structural schema (types, enum, pattern, format, bounds, required,
 * int-or-string, preserve-unknown-fields) and `x-kubernetes-validations`
 * CEL rules are checked, each problem a cause with its field path.
 *
 * @example
 * const verdict = validateCustomResource(crd, manifest, { fieldValidation: 'Strict' });
 * if (verdict.causes.length) console.log(invalidMessage('postgresql.acid.zalan.do', 'x', verdict.causes));
 */
export function validateCustomResource(crd: LoadedCrd, object: Record<string, unknown>, options: ValidateCustomResourceOptions = {}): CustomResourceVerdict {
  const causes: FieldCause[] = [];
  const version = servedVersion(crd, object, causes);
  const unknown: FieldPath[] = [];
  const { apiVersion, kind, metadata, ...body } = object;
  const { pruning, checking } = bodySchemas(version?.schema ?? ANY_OBJECT);
  const unchanged = options.unchanged?.size ? options.unchanged : undefined;
  const content = unchanged ? pruneOthers(pruning, body, unchanged, unknown) : (pruneAndDefault(pruning, body, [], unknown) as Record<string, unknown>);
  const meta = isObject(metadata) ? pruneMetadata(metadata, ['metadata'], unknown) : {};
  const pruned = { apiVersion, kind, metadata: meta, ...content };
  if (causes.length === 0) {
    causes.push(...metadataProblems(meta));
    const { metadata: _m, apiVersion: _a, kind: _k, ...checked } = pruned;
    const old = options.oldObject ? stripRoot(options.oldObject) : undefined;
    validateValue(checking, checked, [], causes, old, unchanged);
  }
  const unknownFields = unknown.map(formatPath);
  const verdict: CustomResourceVerdict = {
    object: pruned,
    causes,
    unknownFields,
    warnings: options.fieldValidation === 'Warn' ? unknownFields.map((f) => `unknown field "${f}"`) : [],
  };
  if (options.fieldValidation === 'Strict' && unknownFields.length) {
    verdict.strictError = `${crd.kind} in version "${version?.name ?? ''}" cannot be handled as a ${crd.kind}: strict decoding error: ${unknownFields.map((f) => `unknown field "${f}"`).join(', ')}`;
  }
  return verdict;
}

function servedVersion(crd: LoadedCrd, object: Record<string, unknown>, causes: FieldCause[]): CrdVersion | undefined {
  const served = crd.versions.filter((v) => v.served);
  // The core group's kinds (a built-in kind's schema) are served as `v1`, not `/v1`.
  const apiVersionOf = (v: CrdVersion) => (crd.group ? `${crd.group}/${v.name}` : v.name);
  const version = served.find((v) => object.apiVersion === apiVersionOf(v));
  if (!version) causes.push(notSupported(['apiVersion'], object.apiVersion ?? '', served.map(apiVersionOf)));
  if (object.kind !== crd.kind) causes.push(notSupported(['kind'], object.kind ?? '', [crd.kind]));
  return version;
}

function metadataProblems(meta: Record<string, unknown>): FieldCause[] {
  const name = meta.name;
  if (name === undefined || name === '') return meta.generateName ? [] : [required(['metadata', 'name'], 'name or generateName is required')];
  if (typeof name !== 'string' || name.length > 253 || !DNS_SUBDOMAIN.test(name)) return [invalid(['metadata', 'name'], name, NAME_MESSAGE)];
  return [];
}

const ANY_OBJECT: JSONSchemaProps = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
const derived = new WeakMap<JSONSchemaProps, { pruning: JSONSchemaProps; checking: JSONSchemaProps }>();

/**
 * The schema of an object's body (without apiVersion, kind and metadata,
 * which are checked on their own): for pruning, and for checking (without
 * requiring those three). Made once per version's schema, so later checks of it reuse
 * what was remembered about its parts.
 */
function bodySchemas(schema: JSONSchemaProps): { pruning: JSONSchemaProps; checking: JSONSchemaProps } {
  let d = derived.get(schema);
  if (!d) {
    const pruning = schema.properties ? { ...schema, properties: withoutRootFields(schema.properties) } : schema;
    d = { pruning, checking: { ...pruning, required: (schema.required ?? []).filter((r) => !['apiVersion', 'kind', 'metadata'].includes(r)) } };
    derived.set(schema, d);
  }
  return d;
}

/**
 * The body pruned and defaulted but for the fields in `unchanged`, taken as
 * they are: what {@link pruneAndDefault} makes of the whole body when those
 * are its own output (same keys in the same order).
 */
function pruneOthers(pruning: JSONSchemaProps, body: Record<string, unknown>, unchanged: ReadonlySet<string>, unknown: FieldPath[]): Record<string, unknown> {
  const others: Record<string, unknown> = {};
  for (const key in body) if (!unchanged.has(key)) others[key] = body[key];
  const pruned = pruneAndDefault(pruning, others, [], unknown) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  // The body's own fields in its order, then the defaulted ones, as pruneAndDefault orders them.
  for (const key in body) {
    if (unchanged.has(key)) out[key] = body[key];
    else if (key in pruned) out[key] = pruned[key];
  }
  for (const key in pruned) if (!(key in out)) out[key] = pruned[key];
  return out;
}

function withoutRootFields(properties: NonNullable<CrdVersion['schema']['properties']>): NonNullable<CrdVersion['schema']['properties']> {
  const { apiVersion: _a, kind: _k, metadata: _m, ...rest } = properties;
  return rest;
}

function stripRoot(o: Record<string, unknown>): Record<string, unknown> {
  const { apiVersion: _a, kind: _k, metadata: _m, ...rest } = o;
  return rest;
}
