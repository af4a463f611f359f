import { dirname } from 'node:path';
import { defineConfig } from 'tsup';
import { documentValidatorsSource } from './scripts/document-validators';

// The built code validates provider.yaml and workflow files with validators
// generated here by ajv's standalone mode instead of compiling the schemas
// at start-up (see src/schema/document-validators.ts).
const documentValidators = {
  name: 'document-validators',
  setup(build: { onLoad(o: { filter: RegExp }, f: (a: { path: string }) => { contents: string; loader: 'js'; resolveDir: string }): void }) {
    build.onLoad({ filter: /[\\/]src[\\/]schema[\\/]document-validators\.ts$/ }, (args) => ({
      contents: documentValidatorsSource(true),
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
};

export default defineConfig({
  entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts', cli: 'src/cli.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  esbuildPlugins: [documentValidators],
});
