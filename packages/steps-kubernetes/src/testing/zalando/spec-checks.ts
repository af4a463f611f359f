import { isPlainObject } from '../merge';
import type { MockObject } from '../types';
import { ROLE_NAME } from './credentials';

/** Database names the operator creates; others are skipped with a log line. */
const DATABASE_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const CLUSTER_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** Fields under `spec.patroni` the operator reads into integers and booleans. */
const PATRONI_INTEGERS = ['ttl', 'loop_wait', 'retry_timeout', 'maximum_lag_on_failover'];
const PATRONI_BOOLEANS = ['synchronous_mode', 'synchronous_mode_strict', 'failsafe_mode'];

/** The spec as the simulator reads it. */
export interface PostgresqlSpec {
  teamId: string;
  numberOfInstances: number;
  users?: Record<string, string[] | null>;
  databases?: Record<string, string>;
  enableConnectionPooler?: boolean;
  enableReplicaConnectionPooler?: boolean;
  connectionPooler?: { user?: string; numberOfInstances?: number };
  patroni?: Record<string, unknown>;
}

/** The spec of a `postgresql` object. */
export function specOf(o: MockObject): PostgresqlSpec {
  return o.spec as PostgresqlSpec;
}

/**
 * What the operator cannot unmarshal: the CRD lets anything through under
 * `spec.patroni`, but the operator reads some of it into typed fields.
 */
export function unmarshalProblem(o: MockObject): string | undefined {
  const patroni = specOf(o).patroni;
  if (!isPlainObject(patroni)) return undefined;
  for (const f of PATRONI_INTEGERS) {
    if (patroni[f] !== undefined && !Number.isInteger(patroni[f]))
      return `could not unmarshal spec.patroni.${f}: cannot unmarshal ${typeof patroni[f]} into Go struct field Patroni.${f} of type uint32`;
  }
  for (const f of PATRONI_BOOLEANS) {
    if (patroni[f] !== undefined && typeof patroni[f] !== 'boolean')
      return `could not unmarshal spec.patroni.${f}: cannot unmarshal ${typeof patroni[f]} into Go struct field Patroni.${f} of type bool`;
  }
  return undefined;
}

/** The team-prefix rule (only when the operator is configured with it): the only thing that writes `Invalid`. */
export function teamPrefixProblem(o: MockObject): string | undefined {
  const name = o.metadata.name;
  const prefix = `${specOf(o).teamId.toLowerCase()}-`;
  if (!name.startsWith(prefix)) return `name must match {TEAM}-{NAME} format: cluster name "${name}" must start with "${prefix}"`;
  if (name.length > 58) return `cluster name must be no longer than 58 characters: "${name}"`;
  if (!CLUSTER_NAME.test(name)) return `cluster name must match ${CLUSTER_NAME.source}: "${name}"`;
  return undefined;
}

/** The first role name the operator refuses (`invalid username`). */
export function badRoleName(o: MockObject): string | undefined {
  return Object.keys(specOf(o).users ?? {}).find((u) => !ROLE_NAME.test(u));
}

/** The databases the operator creates, and a log line for each it skips (bad name, or an owner that is not a role). */
export function databasesToCreate(o: MockObject): { created: string[]; skipped: string[] } {
  const users = new Set(Object.keys(specOf(o).users ?? {}));
  const created: string[] = [];
  const skipped: string[] = [];
  for (const [db, owner] of Object.entries(specOf(o).databases ?? {})) {
    if (!DATABASE_NAME.test(db)) skipped.push(`database "${db}" has invalid name: skipped`);
    else if (!users.has(owner)) skipped.push(`database "${db}": owner role "${owner}" is not defined: skipped`);
    else created.push(db);
  }
  return { created, skipped };
}

/** Roles that get a credentials Secret: the superuser, the replication user, every manifest user (NOLOGIN is dropped while normalising flags), and the pooler user. */
export function secretRoles(o: MockObject): string[] {
  const spec = specOf(o);
  const pooler = spec.enableConnectionPooler || spec.enableReplicaConnectionPooler ? [spec.connectionPooler?.user ?? 'pooler'] : [];
  return [...new Set(['postgres', 'standby', ...Object.keys(spec.users ?? {}), ...pooler])];
}
