/**
 * `@innominatus/store-sql`: the orchestrator's store on SQLite (embedded
 * default) and PostgreSQL (many replicas).
 *
 * @packageDocumentation
 */
export { createSqliteStore } from './create-sqlite-store';
export type { SqliteStoreOptions } from './create-sqlite-store';
export { createPostgresStore } from './create-postgres-store';
export type { PostgresStoreOptions } from './create-postgres-store';
export { SqlStoreError } from './errors';
export type { SqlStoreErrorCode } from './errors';
export { MIGRATIONS, SCHEMA_VERSION } from './migrations';
export { WORK_CHANNEL } from './driver';
