/**
 * The source of a built workspace package's file (`packages/<name>/dist/...`)
 * as a bundle that inlines it into one CommonJS file needs it: its
 * `import.meta.url` (empty in CommonJS) names the package's entry, so the
 * packages it loads lazily (re2js, @kubernetes/client-node) are found from its
 * own package, as they are unbundled; and it is made ASCII ({@link asciiOnly}).
 *
 * @param path the file's path, which names its package
 * @param text the file's text
 */
export function inlinedPackageSource(path: string, text: string): string {
  const name = /[\\/]packages[\\/]([a-z0-9-]+)[\\/]dist[\\/]/.exec(path)?.[1];
  if (!name) throw new Error(`${path} is not a file of a built workspace package (packages/<name>/dist)`);
  const url = `require('node:url').pathToFileURL(require.resolve('@innominatus/${name}')).href`;
  return asciiOnly(text.replaceAll('import.meta.url', url));
}

/**
 * The JavaScript text with every character beyond ASCII written as a `\u`
 * escape. esbuild makes its output ASCII but leaves such characters in
 * regular expressions and comments as they are, where an escape means the
 * same; an ASCII source is decoded ~4 times as fast and V8 keeps it in one
 * byte a character.
 */
export function asciiOnly(text: string): string {
  return text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
