export { zalandoPostgresOperator } from './postgres-operator';
export type { ZalandoOperator, ZalandoOperatorOptions, ZalandoScript, ZalandoCreateOutcome, ZalandoUpdateOutcome, ZalandoTransition } from './postgres-operator';
export { credentialsSecretName, generatePassword, ROLE_NAME } from './credentials';
export { POSTGRESQL_KIND_SPEC, POSTGRESQL_API_VERSION, POSTGRESQL_KIND, validatePostgresqlSchema } from './postgresql-kind';
