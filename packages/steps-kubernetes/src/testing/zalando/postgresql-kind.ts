import type { KindSpec, MockObject } from '../types';

/** The API version of the Zalando postgres-operator's `postgresql` custom resource. */
export const POSTGRESQL_API_VERSION = 'acid.zalan.do/v1';
/** The kind name (lower case, as the operator defines it). */
export const POSTGRESQL_KIND = 'postgresql';

const QUANTITY = /^[+]?(\d+(\.\d+)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$/;
const CPU = /^(\d+m|\d+(\.\d{1,3})?)$/;

/** The CRD, as `cluster.registerKind` takes it, with the CRD schema's checks (answered as 422 Invalid). */
export const POSTGRESQL_KIND_SPEC: KindSpec = {
  group: 'acid.zalan.do',
  version: 'v1',
  kind: POSTGRESQL_KIND,
  plural: 'postgresqls',
  singular: 'postgresql',
  namespaced: true,
  shortNames: ['pg'],
  statusSubresource: true,
  validate: validatePostgresqlSchema,
};

/** The CRD's OpenAPI checks: required fields, types and patterns. */
export function validatePostgresqlSchema(o: MockObject): string[] {
  const problems: string[] = [];
  const spec = o.spec as Record<string, any> | undefined;
  if (!spec || typeof spec !== 'object') return ['spec: Required value'];
  if (typeof spec.teamId !== 'string') problems.push('spec.teamId: Required value');
  if (!Number.isInteger(spec.numberOfInstances) || spec.numberOfInstances < 0) {
    problems.push(`spec.numberOfInstances: Invalid value: ${JSON.stringify(spec.numberOfInstances ?? null)}: must be an integer >= 0`);
  }
  if (typeof spec.postgresql?.version !== 'string') problems.push('spec.postgresql.version: Required value: a string such as "17"');
  if (typeof spec.volume?.size !== 'string' || !QUANTITY.test(spec.volume.size)) {
    problems.push(`spec.volume.size: Invalid value: ${JSON.stringify(spec.volume?.size ?? null)}: must be a quantity such as "5Gi"`);
  }
  for (const part of ['requests', 'limits'] as const) {
    const r = spec.resources?.[part];
    if (!r) continue;
    if (r.cpu !== undefined && (typeof r.cpu !== 'string' || !CPU.test(r.cpu))) {
      problems.push(`spec.resources.${part}.cpu: Invalid value: ${JSON.stringify(r.cpu)}: should match '^(\\d+m|\\d+(\\.\\d{1,3})?)$'`);
    }
    if (r.memory !== undefined && (typeof r.memory !== 'string' || !QUANTITY.test(r.memory))) {
      problems.push(`spec.resources.${part}.memory: Invalid value: ${JSON.stringify(r.memory)}: must be a quantity such as "512Mi"`);
    }
  }
  if (spec.users !== undefined && (typeof spec.users !== 'object' || spec.users === null || Array.isArray(spec.users))) {
    problems.push('spec.users: Invalid value: must be a map of role name to flags');
  }
  if (spec.databases !== undefined && (typeof spec.databases !== 'object' || spec.databases === null || Array.isArray(spec.databases))) {
    problems.push('spec.databases: Invalid value: must be a map of database name to owner role');
  }
  return problems;
}
