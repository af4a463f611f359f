import type { JSONSchemaProps } from '../../crd/index';
import type { MockObject } from '../types';

/** Kubernetes quantity as the operator's CRD checks it (`5Gi`, `512Mi`, `1e3`): "512m" is not one. */
export const QUANTITY_PATTERN = '^(\\d+(e\\d+)?|\\d+(\\.\\d+)?(e\\d+)?[EPTGMK]i?)$';
/** CPU as the operator's CRD checks it: millicores or a decimal with up to three digits. */
export const CPU_PATTERN = '^(\\d+m|\\d+(\\.\\d{1,3})?)$';
/** The role flags `spec.users` accepts (either case). */
export const ROLE_FLAGS = [
  'bypassrls',
  'nobypassrls',
  'createdb',
  'nocreatedb',
  'createrole',
  'nocreaterole',
  'inherit',
  'noinherit',
  'login',
  'nologin',
  'replication',
  'noreplication',
  'superuser',
  'nosuperuser',
];
/** `spec.postgresql.version` values of operator v2.0 (v1.15 accepts "13".."17"). */
export const POSTGRES_VERSIONS_V2 = ['14', '15', '16', '17', '18'];

const string = (description: string, extra: JSONSchemaProps = {}): JSONSchemaProps => ({ type: 'string', description, ...extra });
const bool = (description: string): JSONSchemaProps => ({ type: 'boolean', description });
const stringMap = (description: string): JSONSchemaProps => ({ type: 'object', description, additionalProperties: { type: 'string' } });
const anyObject = (description: string): JSONSchemaProps => ({ type: 'object', description, 'x-kubernetes-preserve-unknown-fields': true });
const resources = (description: string): JSONSchemaProps => {
  const pair = (what: string): JSONSchemaProps => ({
    type: 'object',
    description: what,
    properties: {
      cpu: string('CPU, e.g. 100m or 0.5.', { pattern: CPU_PATTERN }),
      memory: string('Memory as a quantity, e.g. 256Mi.', { pattern: QUANTITY_PATTERN }),
    },
  });
  return {
    type: 'object',
    description,
    properties: { requests: pair('What each Postgres container asks for.'), limits: pair('The most each Postgres container may use.') },
  };
};

/** The `openAPIV3Schema` of the `postgresql` kind, after the operator's published CRD (the fields providers use, with the same checks). */
export function postgresqlSchema(versions: readonly string[]): JSONSchemaProps {
  return {
    type: 'object',
    description: 'A PostgreSQL cluster run by the Zalando postgres-operator.',
    required: ['kind', 'apiVersion', 'spec'],
    properties: {
      kind: { type: 'string', enum: ['postgresql'] },
      apiVersion: { type: 'string', enum: ['acid.zalan.do/v1'] },
      spec: {
        type: 'object',
        description: 'The desired cluster.',
        required: ['numberOfInstances', 'teamId', 'postgresql', 'volume'],
        properties: {
          teamId: string("Team that owns the cluster; with the operator's team-prefix check on, the cluster name must start with it."),
          numberOfInstances: { type: 'integer', minimum: 0, description: 'Number of Postgres pods (one primary, the rest replicas).' },
          postgresql: {
            type: 'object',
            description: 'PostgreSQL version and parameters.',
            required: ['version'],
            properties: { version: string('PostgreSQL major version.', { enum: [...versions] }), parameters: stringMap('postgresql.conf parameters.') },
          },
          volume: {
            type: 'object',
            description: 'The data volume of each pod.',
            required: ['size'],
            properties: {
              size: string('Size of the volume, a quantity such as 5Gi.', { pattern: QUANTITY_PATTERN }),
              storageClass: string('StorageClass of the PersistentVolumeClaims.'),
              subPath: string('Sub-path of the volume to mount.'),
              iops: { type: 'integer', description: 'Provisioned IOPS (where the storage supports it).' },
              throughput: { type: 'integer', description: 'Provisioned throughput (where the storage supports it).' },
            },
          },
          resources: resources('CPU and memory of the Postgres containers.'),
          users: {
            type: 'object',
            description: 'Roles to create: role name → list of flags.',
            additionalProperties: {
              type: 'array',
              nullable: true,
              description: 'Role flags; they must not contradict each other.',
              items: { type: 'string', enum: ROLE_FLAGS.flatMap((f) => [f, f.toUpperCase()]) },
            },
          },
          databases: stringMap('Databases to create: database name → owner role (the owner must be in users).'),
          preparedDatabases: anyObject('Databases prepared with schemas and default roles.'),
          enableConnectionPooler: bool('Run a connection pooler (PgBouncer) in front of the primary.'),
          enableReplicaConnectionPooler: bool('Run a connection pooler in front of the replicas.'),
          connectionPooler: {
            type: 'object',
            description: 'Connection pooler settings.',
            properties: {
              numberOfInstances: { type: 'integer', minimum: 1, description: 'Pooler pods.' },
              mode: string('Pooling mode.', { enum: ['session', 'transaction'] }),
              schema: string("Schema of the pooler's lookup function."),
              user: string('Role the pooler connects as.'),
              dockerImage: string('Pooler image.'),
              maxDBConnections: { type: 'integer', description: 'Connections the pooler opens to the database.' },
              resources: resources('CPU and memory of the pooler containers.'),
            },
          },
          allowedSourceRanges: {
            type: 'array',
            nullable: true,
            description: 'IP ranges allowed through the load balancer.',
            items: {
              type: 'string',
              pattern:
                '^(\\d|[1-9]\\d|1\\d\\d|2[0-4]\\d|25[0-5])\\.(\\d|[1-9]\\d|1\\d\\d|2[0-4]\\d|25[0-5])\\.(\\d|[1-9]\\d|1\\d\\d|2[0-4]\\d|25[0-5])\\.(\\d|[1-9]\\d|1\\d\\d|2[0-4]\\d|25[0-5])\\/(\\d|[1-2]\\d|3[0-2])$',
            },
          },
          dockerImage: string('Spilo image.'),
          enableLogicalBackup: bool('Run logical backups.'),
          logicalBackupSchedule: string('Cron schedule of logical backups.', { pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$' }),
          enableMasterLoadBalancer: bool('Expose the primary through a load balancer.'),
          enableReplicaLoadBalancer: bool('Expose the replicas through a load balancer.'),
          enableShmVolume: bool('Mount a memory-backed /dev/shm.'),
          maintenanceWindows: { type: 'array', description: 'When the operator may restart pods.', items: { type: 'string' } },
          patroni: anyObject('Patroni settings.'),
          podAnnotations: stringMap('Annotations of the pods.'),
          serviceAnnotations: stringMap('Annotations of the Services.'),
          sidecars: { type: 'array', nullable: true, description: 'Extra containers.', items: anyObject('A container.') },
          tolerations: { type: 'array', description: 'Pod tolerations.', items: anyObject('A toleration.') },
          spiloFSGroup: { type: 'integer', description: 'fsGroup of the pods.' },
          standby: anyObject('Run as a standby of another cluster.'),
          clone: anyObject('Clone from another cluster.'),
        },
      },
      status: { type: 'object', description: 'What the operator reports.', additionalProperties: { type: 'string' } },
    },
  };
}

/** The CustomResourceDefinition of `postgresqls.acid.zalan.do` (printer columns, short name `pg`, status subresource). */
export function postgresqlCrd(versions: readonly string[] = POSTGRES_VERSIONS_V2): MockObject {
  const column = (name: string, type: string, jsonPath: string, description?: string) => ({ name, type, jsonPath, ...(description ? { description } : {}) });
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'postgresqls.acid.zalan.do' },
    spec: {
      group: 'acid.zalan.do',
      names: { kind: 'postgresql', listKind: 'postgresqlList', plural: 'postgresqls', singular: 'postgresql', shortNames: ['pg'] },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            column('Team', 'string', '.spec.teamId', 'Team responsible for the cluster'),
            column('Version', 'string', '.spec.postgresql.version', 'PostgreSQL version'),
            column('Pods', 'integer', '.spec.numberOfInstances', 'Number of pods'),
            column('Volume', 'string', '.spec.volume.size', 'Size of the volume'),
            column('CPU-Request', 'string', '.spec.resources.requests.cpu', 'Requested CPU'),
            column('Memory-Request', 'string', '.spec.resources.requests.memory', 'Requested memory'),
            column('Age', 'date', '.metadata.creationTimestamp'),
            column('Status', 'string', '.status.PostgresClusterStatus', 'Status of the last operator pass'),
          ],
          schema: { openAPIV3Schema: postgresqlSchema(versions) },
        },
      ],
    },
  };
}
