import { describe, expect, it } from 'vitest';
import { SqlStoreError } from '../src/errors';
import { importDriver, nativeAddonError } from '../src/optional-peer';

describe('database drivers are optional peers, imported on first use', () => {
  it('a driver that is not installed is DRIVER_MISSING, saying what to install', async () => {
    const error = await importDriver('innominatus-absent-driver', 'createSqliteStore', () => import('innominatus-absent-driver' as string)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SqlStoreError);
    expect(error).toMatchObject({
      code: 'DRIVER_MISSING',
      message: "createSqliteStore() needs the package 'innominatus-absent-driver', which is not installed: run 'npm install innominatus-absent-driver'",
    });
  });

  it('a missing module other than the driver itself is not reported as the driver missing', async () => {
    const broken = Object.assign(new Error("Cannot find package 'pg-pool' imported from /x/pg/esm/index.mjs"), { code: 'ERR_MODULE_NOT_FOUND' });
    await expect(importDriver('pg', 'createPostgresStore', () => Promise.reject(broken))).rejects.toBe(broken);
  });

  it('takes the default export of a CommonJS driver, or the module itself', async () => {
    const Database = class {};
    expect(await importDriver('better-sqlite3', 'createSqliteStore', async () => ({ default: Database }))).toBe(Database);
    expect(await importDriver('x', 'f', async () => Database)).toBe(Database);
  });

  it('a native addon that cannot load says to rebuild better-sqlite3; other failures are left alone', () => {
    const bindings = new Error('Could not locate the bindings file. Tried:\n → /app/node_modules/better-sqlite3/build/better_sqlite3.node');
    const error = nativeAddonError(bindings);
    expect(error?.code).toBe('DRIVER_MISSING');
    expect(error?.message).toBe(
      `better-sqlite3 is installed but its native addon cannot be loaded on Node.js ${process.version}: run 'npm rebuild better-sqlite3' ` +
        '(it builds from source when no prebuilt binary can be downloaded, which needs python3, make and a C++ compiler)',
    );
    expect(error?.cause).toBe(bindings);
    expect(
      nativeAddonError(
        Object.assign(new Error('was compiled against a different Node.js version using NODE_MODULE_VERSION 115'), { code: 'ERR_DLOPEN_FAILED' }),
      )?.code,
    ).toBe('DRIVER_MISSING');
    expect(nativeAddonError(new Error('unable to open database file'))).toBeUndefined();
  });
});
