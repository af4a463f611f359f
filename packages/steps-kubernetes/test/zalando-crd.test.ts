import { describe, expect, it } from 'vitest';
import { loadCrd, validateCustomResource } from '@innominatus/steps-kubernetes/crd';
import { postgresqlCrd, POSTGRES_VERSIONS_V2 } from '@innominatus/steps-kubernetes/testing';

const crd = loadCrd(postgresqlCrd());
const v115 = loadCrd(postgresqlCrd(['13', '14', '15', '16', '17']));
const base = { teamId: 'acid', numberOfInstances: 2, postgresql: { version: '17' }, volume: { size: '5Gi' } };
const manifest = (spec: Record<string, unknown>) => ({
  apiVersion: 'acid.zalan.do/v1',
  kind: 'postgresql',
  metadata: { name: 'acid-db', namespace: 'default' },
  spec,
});
/** `ok`, `pruned <fields>`, or the fields of the 422. */
function verdict(spec: Record<string, unknown>, which = crd): string {
  const v = validateCustomResource(which, manifest(spec));
  if (v.causes.length) return `422 ${v.causes.map((c) => `${c.field} ${c.reason}`).join(', ')}`;
  return v.unknownFields.length ? `pruned ${v.unknownFields.join(', ')}` : 'ok';
}

/** What the operator's documentation says of each manifest (docs/zalando-operator.md), and what the CRD answers. */
const TABLE: Array<[string, Record<string, unknown>, string]> = [
  ['the minimal manifest', base, 'ok'],
  [
    'users with flags in either case, databases, resources',
    {
      ...base,
      users: { myapp_owner: ['superuser', 'CREATEDB'], myapp_app: [], reader: ['nologin'] },
      databases: { myapp: 'myapp_owner' },
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1.5', memory: '1Gi' } },
    },
    'ok',
  ],
  ['numberOfInstances 0', { ...base, numberOfInstances: 0 }, 'ok'],
  ['a pooler', { ...base, enableConnectionPooler: true, connectionPooler: { mode: 'transaction', numberOfInstances: 2 } }, 'ok'],
  ['a database whose owner is not a user (the operator skips it; the API accepts it)', { ...base, databases: { orphan: 'nobody' } }, 'ok'],
  ['a role name the operator refuses (the API accepts it)', { ...base, users: { 'Bad-Role': [] } }, 'ok'],
  ['no teamId', { numberOfInstances: 1, postgresql: { version: '17' }, volume: { size: '1Gi' } }, '422 spec.teamId FieldValueRequired'],
  ['no volume', { teamId: 'acid', numberOfInstances: 1, postgresql: { version: '17' } }, '422 spec.volume FieldValueRequired'],
  ['no postgresql.version', { ...base, postgresql: {} }, '422 spec.postgresql.version FieldValueRequired'],
  ['version 13 (2.0 dropped it)', { ...base, postgresql: { version: '13' } }, '422 spec.postgresql.version FieldValueNotSupported'],
  ['version 19 (not yet)', { ...base, postgresql: { version: '19' } }, '422 spec.postgresql.version FieldValueNotSupported'],
  ['the version as a number', { ...base, postgresql: { version: 17 } }, '422 spec.postgresql.version FieldValueTypeInvalid'],
  ['negative numberOfInstances', { ...base, numberOfInstances: -1 }, '422 spec.numberOfInstances FieldValueInvalid'],
  ['numberOfInstances as a string', { ...base, numberOfInstances: '2' }, '422 spec.numberOfInstances FieldValueTypeInvalid'],
  [
    'memory 512m (milli-bytes are not a quantity the CRD takes)',
    { ...base, resources: { requests: { memory: '512m' } } },
    '422 spec.resources.requests.memory FieldValueInvalid',
  ],
  ['cpu with four decimals', { ...base, resources: { limits: { cpu: '0.1234' } } }, '422 spec.resources.limits.cpu FieldValueInvalid'],
  ['volume size "lots"', { ...base, volume: { size: 'lots' } }, '422 spec.volume.size FieldValueInvalid'],
  ['flags given as a string', { ...base, users: { app: 'superuser' } }, '422 spec.users.app FieldValueTypeInvalid'],
  ['an unknown flag', { ...base, users: { app: ['admin'] } }, '422 spec.users.app[0] FieldValueNotSupported'],
  ['a database owner that is not a string', { ...base, databases: { db: 1 } }, '422 spec.databases.db FieldValueTypeInvalid'],
  ['an unknown field', { ...base, foo: 1 }, 'pruned spec.foo'],
  ['an unknown field in volume', { ...base, volume: { size: '5Gi', speed: 'fast' } }, 'pruned spec.volume.speed'],
];

describe("the postgresql CRD against the operator's documented schema", () => {
  it.each(TABLE)('%s', (_what, spec, expected) => {
    expect(verdict(spec)).toBe(expected);
  });

  it('accepts "13".."17" when made for the 1.15 line, and refuses 18 there', () => {
    expect(['13', '17', '18'].map((version) => verdict({ ...base, postgresql: { version } }, v115))).toEqual([
      'ok',
      'ok',
      '422 spec.postgresql.version FieldValueNotSupported',
    ]);
    expect(POSTGRES_VERSIONS_V2).toEqual(['14', '15', '16', '17', '18']);
  });

  it('serves the names and printer columns of the real CRD', () => {
    expect([crd.name, crd.kind, crd.plural, crd.singular, crd.shortNames, crd.namespaced]).toEqual([
      'postgresqls.acid.zalan.do',
      'postgresql',
      'postgresqls',
      'postgresql',
      ['pg'],
      true,
    ]);
    expect(crd.versions[0]!.printerColumns.map((c) => c.name)).toEqual(['Team', 'Version', 'Pods', 'Volume', 'CPU-Request', 'Memory-Request', 'Age', 'Status']);
    expect(crd.versions[0]!.statusSubresource).toBe(true);
  });
});
