import { parseAllDocuments } from 'yaml';
import { invalid, required } from './causes';
import { conversionProblems } from './conversion-rules';
import { CrdError } from './crd-error';
import { isObject } from './json-type';
import { structuralProblems } from './structural';
import type { CrdVersion, FieldCause, FieldPath, JSONSchemaProps, LoadedCrd, PrinterColumn } from './types';

/** Largest CRD text {@link loadCrds} reads (the API server's request limit is about 3 MB). */
export const MAX_CRD_BYTES = 3 * 1024 * 1024;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Reads every CustomResourceDefinition in a YAML or JSON text (several
 * documents allowed; documents of other kinds are skipped).
 *
 * @throws {CrdError} `CRD_UNREADABLE` when the text does not parse, `CRD_INVALID` when a CRD breaks the API server's rules.
 * @example
 * const [crd] = loadCrds(readFileSync('postgresql.crd.yaml', 'utf8'), { file: 'postgresql.crd.yaml' });
 */
export function loadCrds(text: string, options: { file?: string } = {}): LoadedCrd[] {
  const file = options.file ?? '<input>';
  if (Buffer.byteLength(text) > MAX_CRD_BYTES)
    throw new CrdError('CRD_UNREADABLE', `the text is ${Buffer.byteLength(text)} bytes; the limit is ${MAX_CRD_BYTES}`, { file });
  let docs: unknown[];
  const parsed = parseAllDocuments(text);
  const documents = Array.isArray(parsed) ? parsed : [];
  const broken = documents.flatMap((d) => d.errors)[0];
  if (broken) throw new CrdError('CRD_UNREADABLE', `not YAML: ${broken.message.split('\n')[0]}`, { file });
  try {
    docs = documents.map((d) => d.toJS({ maxAliasCount: 100 }) as unknown);
  } catch (err) {
    throw new CrdError('CRD_UNREADABLE', `not YAML: ${(err as Error).message.split('\n')[0]}`, { file });
  }
  return docs.filter((d) => isObject(d) && d.kind === 'CustomResourceDefinition').map((d) => loadCrd(d, { file }));
}

/**
 * Checks one CustomResourceDefinition object (apiextensions.k8s.io/v1) like
 * the API server does on create, and returns its names, scope and versions.
 *
 * @throws {CrdError} `CRD_INVALID` listing every problem with its field path.
 */
export function loadCrd(definition: unknown, options: { file?: string } = {}): LoadedCrd {
  if (!isObject(definition) || definition.kind !== 'CustomResourceDefinition') {
    throw new CrdError('CRD_UNREADABLE', 'not a CustomResourceDefinition (kind must be CustomResourceDefinition)', options);
  }
  const causes: FieldCause[] = [];
  if (definition.apiVersion !== 'apiextensions.k8s.io/v1') causes.push(invalid(['apiVersion'], definition.apiVersion, 'must be apiextensions.k8s.io/v1'));
  const spec = isObject(definition.spec) ? definition.spec : {};
  const names = isObject(spec.names) ? spec.names : {};
  const group = stringAt(spec, 'group', ['spec', 'group'], causes, DNS_SUBDOMAIN);
  const plural = stringAt(names, 'plural', ['spec', 'names', 'plural'], causes, DNS_LABEL);
  const kind = stringAt(names, 'kind', ['spec', 'names', 'kind'], causes);
  const singular = typeof names.singular === 'string' ? names.singular : kind.toLowerCase();
  const metaName = isObject(definition.metadata) ? definition.metadata.name : undefined;
  if (metaName !== `${plural}.${group}`) causes.push(invalid(['metadata', 'name'], metaName ?? '', `must be spec.names.plural+"."+spec.group`));
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') causes.push(invalid(['spec', 'scope'], spec.scope ?? '', 'must be Namespaced or Cluster'));
  const versions = loadVersions(spec.versions, causes);
  causes.push(...conversionProblems(spec.conversion));
  if (causes.length) {
    const shown = causes.map((c) => ({ ...c, field: schemaField(c.path) }));
    throw new CrdError('CRD_INVALID', `CustomResourceDefinition.apiextensions.k8s.io "${String(metaName ?? '')}" is invalid`, { causes: shown, ...options });
  }
  return {
    name: `${plural}.${group}`,
    group,
    kind,
    plural,
    singular,
    listKind: typeof names.listKind === 'string' ? names.listKind : `${kind}List`,
    shortNames: stringList(names.shortNames),
    categories: stringList(names.categories),
    namespaced: spec.scope === 'Namespaced',
    versions,
    definition,
  };
}

function loadVersions(raw: unknown, causes: FieldCause[]): CrdVersion[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    causes.push(required(['spec', 'versions'], 'must have at least one version'));
    return [];
  }
  const versions: CrdVersion[] = [];
  raw.forEach((v: unknown, i) => {
    const at: FieldPath = ['spec', 'versions', i];
    if (!isObject(v)) {
      causes.push(invalid(at, v, 'must be an object'));
      return;
    }
    const name = stringAt(v, 'name', [...at, 'name'], causes, DNS_LABEL);
    const schemaPath = [...at, 'schema', 'openAPIV3Schema'];
    const schema = isObject(v.schema) ? v.schema.openAPIV3Schema : undefined;
    if (schema === undefined) causes.push(required(schemaPath, 'schemas are required'));
    else causes.push(...structuralProblems(schema, schemaPath));
    const sub = isObject(v.subresources) ? v.subresources : {};
    versions.push({
      name,
      served: v.served === true,
      storage: v.storage === true,
      schema: (schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }) as JSONSchemaProps,
      statusSubresource: isObject(sub.status),
      printerColumns: printerColumns(v.additionalPrinterColumns, [...at, 'additionalPrinterColumns'], causes),
    });
  });
  if (versions.filter((v) => v.storage).length !== 1)
    causes.push(
      invalid(
        ['spec', 'versions'],
        versions.map((v) => v.name),
        'must have exactly one version marked as storage version',
      ),
    );
  return versions;
}

function printerColumns(raw: unknown, path: FieldPath, causes: FieldCause[]): PrinterColumn[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    causes.push(invalid(path, raw, 'must be a list'));
    return [];
  }
  return raw.flatMap((c: unknown, i) => {
    if (!isObject(c) || typeof c.name !== 'string' || typeof c.type !== 'string' || typeof c.jsonPath !== 'string') {
      causes.push(required([...path, i], 'name, type and jsonPath are required'));
      return [];
    }
    return [c as unknown as PrinterColumn];
  });
}

function stringAt(o: Record<string, unknown>, key: string, path: FieldPath, causes: FieldCause[], pattern?: RegExp): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '') {
    causes.push(required(path));
    return '';
  }
  if (pattern && !pattern.test(v)) causes.push(invalid(path, v, `must match ${pattern.source}`));
  return v;
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The API server's way of printing a path inside a CRD: `...openAPIV3Schema.properties[spec].type`. */
function schemaField(path: FieldPath): string {
  let out = '';
  path.forEach((part, i) => {
    const mapKey = i > 0 && path[i - 1] === 'properties' && typeof part === 'string';
    if (typeof part === 'number' || mapKey) out += `[${part}]`;
    else out += out ? `.${part}` : part;
  });
  return out;
}
