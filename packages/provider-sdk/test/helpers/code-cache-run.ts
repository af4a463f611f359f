// Runs a CommonJS file with runWithCodeCache in a process of its own (the
// cache is written when the process exits):
// node code-cache-run.js <file> <cache dir or -> <key> <keep: yes|no>
// (code-cache.test.ts compiles it to CommonJS first; `tsx code-cache-run.ts`
// runs it as it is) and prints what it did with the cache after what the
// file printed.
import { runWithCodeCache } from '../../src/code-cache/run-with-code-cache';

const [file, dir, key, keep] = process.argv.slice(2) as [string, string, string, string];
const use = runWithCodeCache(file, { dir: dir === '-' ? undefined : dir, key, keep: () => keep === 'yes' });
process.stdout.write(`cache: ${use}\n`);
