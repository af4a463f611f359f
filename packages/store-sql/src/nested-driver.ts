import type { SqlDriver, SqlExecutor } from './driver';
import { SqlStoreError } from './errors';

/**
 * The driver of the statements inside one open transaction `exec` of
 * `driver`: statements run in that transaction, a nested transaction is a
 * savepoint (rolled back alone when it throws), and wake-ups are sent in
 * the transaction (delivered on commit). It cannot listen or close.
 */
export function nestedDriver(driver: SqlDriver, exec: SqlExecutor): SqlDriver {
  const query = exec.query.bind(exec);
  let depth = 0;
  return {
    dialect: driver.dialect,
    query,
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      const savepoint = `nested_${++depth}`;
      await query(`SAVEPOINT ${savepoint}`);
      try {
        const result = await fn(exec);
        await query(`RELEASE SAVEPOINT ${savepoint}`);
        return result;
      } catch (error) {
        await query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
        await query(`RELEASE SAVEPOINT ${savepoint}`);
        throw error;
      } finally {
        depth--;
      }
    },
    notify: (tx) => driver.notify(tx),
    listen: () => Promise.reject(new SqlStoreError('STORE_QUERY_FAILED', 'a transaction cannot listen for wake-ups')),
    close: () => Promise.reject(new SqlStoreError('STORE_QUERY_FAILED', 'a transaction cannot close the store')),
  };
}
