import { BUILTIN_KINDS } from '../testing/builtin-kinds';
import { kindSchema, objectMetaSchema } from '../testing/openapi-schemas';
import type { KindSpec, ResolvedKind } from '../testing/types';
import type { LoadedCrd } from './types';

let cached: readonly LoadedCrd[] | undefined;

/**
 * The built-in kinds the mock cluster serves (ConfigMap, Secret, Service,
 * Deployment, StatefulSet, ...), each with the schema the mock cluster
 * serves for it, in the shape of a loaded CRD: what
 * {@link validateCustomResource} checks an object of such a kind against
 * (fields, types, enums; parts the schema leaves open keep any field).
 * Made on first call.
 */
export function builtinKinds(): readonly LoadedCrd[] {
  cached ??= Object.freeze(BUILTIN_KINDS.map(asLoadedCrd));
  return cached;
}

/** The built-in kind of a group and kind in the shape of a loaded CRD (see {@link builtinKinds}), or undefined. */
export function builtinKind(group: string, kind: string): LoadedCrd | undefined {
  return builtinKinds().find((k) => k.group === group && k.kind === kind);
}

function asLoadedCrd(spec: KindSpec): LoadedCrd {
  const apiVersion = spec.group ? `${spec.group}/${spec.version}` : spec.version;
  const kind: ResolvedKind = {
    group: spec.group,
    version: spec.version,
    kind: spec.kind,
    plural: spec.plural,
    singular: spec.singular ?? spec.kind.toLowerCase(),
    namespaced: spec.namespaced,
    shortNames: spec.shortNames ?? [],
    categories: spec.categories ?? [],
    statusSubresource: spec.statusSubresource ?? false,
    generation: spec.generation ?? false,
    printerColumns: spec.printerColumns ?? [],
    apiVersion,
    builtin: true,
  };
  const schema = kindSchema(kind, objectMetaSchema());
  return {
    name: spec.group ? `${spec.plural}.${spec.group}` : spec.plural,
    group: spec.group,
    kind: spec.kind,
    listKind: `${spec.kind}List`,
    plural: spec.plural,
    singular: kind.singular,
    shortNames: kind.shortNames,
    categories: kind.categories,
    namespaced: spec.namespaced,
    versions: [{ name: spec.version, served: true, storage: true, schema, statusSubresource: kind.statusSubresource, printerColumns: [] }],
    definition: {},
  };
}
