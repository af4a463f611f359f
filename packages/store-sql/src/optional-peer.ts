import { SqlStoreError } from './errors';

/**
 * Imports a database driver — an optional peer dependency — on first use, so
 * a user of one store never needs the other store's driver. A driver that is
 * not installed is a `DRIVER_MISSING` error that says what to install.
 *
 * @param name - the driver package, e.g. `better-sqlite3`
 * @param factory - the store function that needs it, named in the error
 * @param load - `() => import(name)`, written out so bundlers see the import
 */
export async function importDriver<T>(name: string, factory: string, load: () => Promise<{ default?: T } | T>): Promise<T> {
  let mod: { default?: T } | T;
  try {
    mod = await load();
  } catch (cause) {
    if (isModuleNotFound(cause, name)) {
      throw new SqlStoreError('DRIVER_MISSING', `${factory}() needs the package '${name}', which is not installed: run 'npm install ${name}'`, { cause });
    }
    throw cause;
  }
  const withDefault = mod as { default?: T };
  return withDefault.default ?? (mod as T);
}

function isModuleNotFound(error: unknown, name: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  return typeof message === 'string' && (message.includes(`'${name}'`) || message.includes(`"${name}"`));
}

/**
 * When opening a SQLite database failed because better-sqlite3's native addon
 * cannot be loaded (never built, or built for another Node.js), the error that
 * says how to fix it; otherwise undefined.
 */
export function nativeAddonError(cause: unknown): SqlStoreError | undefined {
  const { code, message } = (cause ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : '';
  const native = code === 'ERR_DLOPEN_FAILED' || /Could not locate the bindings file|NODE_MODULE_VERSION|\.node: /.test(text);
  if (!native) return undefined;
  return new SqlStoreError(
    'DRIVER_MISSING',
    `better-sqlite3 is installed but its native addon cannot be loaded on Node.js ${process.version}: run 'npm rebuild better-sqlite3' ` +
      `(it builds from source when no prebuilt binary can be downloaded, which needs python3, make and a C++ compiler)`,
    { cause },
  );
}
