#!/usr/bin/env node
// API reports: for every entry of every package's exports map, Microsoft's
// API Extractor reads the built declarations (dist/**/*.d.ts) and writes the
// public API to packages/<package>/api/<entry>.api.md.
//
//   node scripts/api-report.mjs           check: fail when an API differs from its checked-in report
//   node scripts/api-report.mjs --update  write the reports (pnpm api:update), after a build
//
// Run `pnpm build` first: the reports are made from the built declarations.
// Every entry is analysed in one TypeScript program (building the program is
// most of API Extractor's time, and the packages' declarations import each
// other), so the whole check costs one program instead of one per entry.
// The program holds only the packages' own declarations and Node's
// (`analysisRoots`), with `noResolve`: an import of another package (e.g.
// `import { KubeConfig } from '@kubernetes/client-node'`) is still resolved,
// and API Extractor writes it to the report as that import, but the imported
// package's declarations are not parsed. @kubernetes/client-node alone has 816
// declaration files, most of a full program's 1554; the reports are the same
// either way. Node's declarations stay in: API Extractor follows the globals
// the packages use (`AbortSignal`, `Buffer`) to their declarations.
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CompilerState, Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const update = process.argv.includes('--update');
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const packages = ['core', 'provider-sdk', 'steps-kubernetes', 'store-sql'].filter((p) => only.length === 0 || only.includes(p));

/** The report's file name for an exports entry: `.` → index, `./testing/store-conformance` → testing-store-conformance. */
const reportName = (entry) => (entry === '.' ? 'index' : entry.slice(2).replaceAll('/', '-'));

/** API Extractor's configuration for one entry of the package in `dir`: its declarations (`types`) and its report's name. */
function prepare(dir, types, report) {
  return ExtractorConfig.prepare({
    configObjectFullPath: join(dir, 'api-extractor.json'),
    packageJsonFullPath: join(dir, 'package.json'),
    configObject: {
      projectFolder: dir,
      mainEntryPointFilePath: join(dir, types),
      compiler: {
        overrideTsconfig: {
          compilerOptions: {
            module: 'node16',
            moduleResolution: 'node16',
            target: 'es2022',
            lib: ['es2023'],
            types: ['node'],
            skipLibCheck: true,
            noResolve: true,
            strict: true,
            exactOptionalPropertyTypes: true,
          },
        },
      },
      apiReport: {
        enabled: true,
        reportFileName: `${report}.api.md`,
        reportFolder: join(dir, 'api'),
        reportTempFolder: join(dir, 'node_modules/.cache/api-extractor'),
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        compilerMessageReporting: { default: { logLevel: 'warning' } },
        extractorMessageReporting: {
          default: { logLevel: 'warning' },
          'ae-missing-release-tag': { logLevel: 'none' },
          'ae-unresolved-link': { logLevel: 'none' },
          'ae-forgotten-export': { logLevel: 'none' },
          'ae-internal-missing-underscore': { logLevel: 'none' },
          'ae-undocumented': { logLevel: 'none', addToApiReportFile: false },
        },
        tsdocMessageReporting: { default: { logLevel: 'none' } },
      },
    },
  });
}

/** Every entry with declarations, of every package asked for; a missing declaration file is reported and counted. */
function entries() {
  const found = [];
  for (const name of packages) {
    const dir = join(root, 'packages', name);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    for (const [entry, target] of Object.entries(manifest.exports)) {
      const types = typeof target === 'object' ? target.import?.types : undefined;
      if (!types) continue;
      const report = reportName(entry);
      const config = prepare(dir, types, report);
      if (!existsSync(config.mainEntryPointFilePath)) {
        console.error(`✖ ${manifest.name}${entry.slice(1)}: ${types} is missing; run pnpm build first`);
        failed++;
        continue;
      }
      mkdirSync(join(dir, 'api'), { recursive: true });
      found.push({ config, label: `${manifest.name}${entry.slice(1)} (packages/${name}/api/${report}.api.md)` });
    }
  }
  return found;
}

/** Every declaration file under `dir` (none when it is missing: `entries` reports a package that is not built). */
function declarationsUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .filter((file) => file.endsWith('.d.ts'))
    .map((file) => join(dir, file));
}

/**
 * The program's files (with `noResolve`, imports add none): every package's built declarations, and Node's with the
 * undici types they import. Node's `ts5.6/` (and any `ts<version>/`) folders are for older TypeScript versions
 * (`typesVersions`): TypeScript would not load them, and they declare the same globals again.
 */
function analysisRoots() {
  const nodeTypes = realpathSync(join(root, 'node_modules/@types/node'));
  const forOlderTypeScript = /^ts\d/;
  return [
    ...packages.flatMap((name) => declarationsUnder(join(root, 'packages', name, 'dist'))),
    ...declarationsUnder(nodeTypes).filter((file) => !forOlderTypeScript.test(file.slice(nodeTypes.length + 1))),
    ...declarationsUnder(join(nodeTypes, '../../undici-types')),
  ];
}

let failed = 0;
const work = entries();
const compilerState = work.length > 0 ? CompilerState.create(work[0].config, { additionalEntryPoints: analysisRoots() }) : undefined;
for (const { config, label } of work) {
  const result = Extractor.invoke(config, {
    localBuild: update,
    compilerState,
    showVerboseMessages: false,
    messageCallback: (m) => {
      if (m.logLevel === 'warning' && m.category !== 'Extractor') m.handled = true;
    },
  });
  if (result.apiReportChanged && !update) {
    console.error(`✖ ${label}: the public API differs from its report; if the change is meant, run pnpm api:update and commit the report`);
    failed++;
  } else if (!result.succeeded && !update) {
    console.error(`✖ ${label}: API Extractor failed (${result.errorCount} errors)`);
    failed++;
  } else {
    console.log(`${update && result.apiReportChanged ? '✎' : '✔'} ${label}`);
  }
}
process.exit(failed ? 1 : 0);
