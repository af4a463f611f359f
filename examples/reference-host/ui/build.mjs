// Bundles the UI into dist/: index.html, app.js (minified, with Preact) and app.css.
// Run by scripts/setup.sh; the host serves dist/ at its root.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';

const dir = new URL('.', import.meta.url).pathname;
rmSync(`${dir}dist`, { recursive: true, force: true });
mkdirSync(`${dir}dist`, { recursive: true });
await build({
  entryPoints: { app: `${dir}src/main.tsx` },
  outdir: `${dir}dist`,
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'linked',
  logLevel: 'warning',
});
copyFileSync(`${dir}src/index.html`, `${dir}dist/index.html`);
copyFileSync(`${dir}src/app.css`, `${dir}dist/app.css`);
