export { zalandoPostgresOperator, POSTGRES_OPERATOR_FINALIZER } from './postgres-operator';
export type {
  ZalandoOperator,
  ZalandoOperatorOptions,
  ZalandoScript,
  ZalandoCreateOutcome,
  ZalandoUpdateOutcome,
  ZalandoTransition,
} from './postgres-operator';
export { credentialsSecretName, generatePassword, ROLE_NAME } from './credentials';
export { POSTGRESQL_API_VERSION, POSTGRESQL_KIND } from './postgresql-kind';
export { postgresqlCrd, postgresqlSchema, POSTGRES_VERSIONS_V2, QUANTITY_PATTERN, CPU_PATTERN, ROLE_FLAGS } from './postgresql-crd';
