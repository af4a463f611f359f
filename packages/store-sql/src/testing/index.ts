/**
 * `@innominatus/store-sql/testing`: throwaway PostgreSQL databases for tests of
 * stores, orchestrators and hosts.
 * @packageDocumentation
 */
export { createTestDatabase, databaseUrl, emptyTestDatabase, rawPostgresText } from './postgres-test-database';
