import { createTestDatabase } from '@innominatus/store-sql/testing';

/** A fresh database on the `DATABASE_URL` server (the test command starts one); `drop()` removes it. */
export function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  return createTestDatabase({ prefix: 'host_e2e' });
}
