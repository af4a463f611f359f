// Compares the patched yaml (patches/, described in pnpm-workspace.yaml)
// with the original of the same version on every YAML file of the
// repository, the edge cases of scripts/yaml-patch/edge-cases.ts and every
// .yaml/.yml file under the folders given (e.g. a checkout of
// yaml-test-suite's data branch): lexer tokens, the CST (whole and streamed),
// documents, errors and warnings with their positions. Run after upgrading
// yaml or regenerating the patch:
//   pnpm yaml:patch-check [DIR...]
// Exits 1 on any difference, naming the source and the part.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { differences, yamlOutput } from './yaml-patch/compare';
import { copiesFacts, loadYamlCopies, removeCopies } from './yaml-patch/copies';
import { YAML_EDGE_CASES } from './yaml-patch/edge-cases';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Every .yaml and .yml file under `dir`. */
function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** The sources compared, by name: the repository's YAML files, the edge cases, the files under `dirs`. */
function sources(dirs: readonly string[]): [string, string][] {
  const repoFiles = execFileSync('git', ['ls-files', '-z', '*.yaml', '*.yml'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  return [
    ...repoFiles.map((f): [string, string] => [f, readFileSync(join(ROOT, f), 'utf8')]),
    ...YAML_EDGE_CASES.map((s, i): [string, string] => [`edge case ${i}`, s]),
    ...dirs.flatMap(yamlFilesUnder).map((f): [string, string] => [f, readFileSync(f, 'utf8')]),
  ];
}

function main(dirs: readonly string[]): number {
  const copies = loadYamlCopies(ROOT);
  try {
    const facts = copiesFacts(ROOT, copies);
    const unfair = Object.entries(facts).filter(([, [a, b]]) => !isDeepStrictEqual(a, b));
    for (const [what, [a, b]] of unfair)
      process.stderr.write(`yaml patch check: the copies differ in ${what}: ${JSON.stringify(a)} against ${JSON.stringify(b)}\n`);
    if (unfair.length) return 1;
    let parts = 0;
    let found = 0;
    const all = sources(dirs);
    for (const [name, source] of all) {
      const original = yamlOutput(copies.original, source);
      parts += Object.keys(original).length;
      for (const d of differences(yamlOutput(copies.patched, source), original)) {
        found++;
        process.stderr.write(`${name}: ${d}\n`);
      }
    }
    const what = `yaml@${copies.version} patched against the original (${facts.changed[1].length} files patched): ${all.length} sources, ${parts} parts compared`;
    process.stdout.write(`yaml patch check: ${what}, ${found === 0 ? 'no difference' : `${found} differences`}\n`);
    return found === 0 ? 0 : 1;
  } finally {
    removeCopies(copies);
  }
}

process.exitCode = main(process.argv.slice(2));
