/**
 * `@innominatus/store-sql/testing`: throwaway PostgreSQL databases for tests of
 * stores, orchestrators and hosts.
 * @packageDocumentation
 */
export { createTestDatabase, databaseUrl, rawPostgresText } from './postgres-test-database';
