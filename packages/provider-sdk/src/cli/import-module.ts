/**
 * Where the CLI's loader (src/cli-loader.ts) puts a function importing an ES
 * module: the CLI it runs is a script of `node:vm`, whose own `import()` needs
 * an experimental option of Node.js.
 */
export const IMPORT_MODULE = Symbol.for('innominatus.provider-sdk.import-module');

/** Imports the ES module at `url`, through the loader's function when there is one. */
export function importModule(url: string): Promise<unknown> {
  const viaLoader = (globalThis as { [IMPORT_MODULE]?: (url: string) => Promise<unknown> })[IMPORT_MODULE];
  return viaLoader ? viaLoader(url) : import(url);
}
