import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runConformance } from './cel-conformance/run';

/**
 * The CEL conformance data (`@bufbuild/cel-spec`) for the parts of CEL the
 * workflow language promises. Tests of protobuf messages, enums, containers,
 * uints and the checker alone are not run. The known failures are listed in
 * one place, `cel-conformance/known-failures.json` (docs/expressions.md says
 * why); a fix must remove its entry, a regression fails here.
 */
const FILES = ['basic', 'comparisons', 'conversions', 'fp_math', 'integer_math', 'lists', 'logic', 'macros', 'string'] as const;

const known = JSON.parse(readFileSync(new URL('./cel-conformance/known-failures.json', import.meta.url), 'utf8')) as Record<string, string[]>;
const results = runConformance(FILES);

describe('CEL conformance', () => {
  it.each(FILES)('%s: the tests run, pass and fail as recorded', (file) => {
    const r = results[file]!;
    expect({ run: r.run, passed: r.passed }).toStrictEqual(PASS_COUNTS[file]);
    expect(r.failures).toStrictEqual(known[file]);
  });
});

/** Tests run and passed per file, as docs/expressions.md reports them. */
const PASS_COUNTS: Record<(typeof FILES)[number], { run: number; passed: number }> = {
  basic: { run: 37, passed: 33 },
  comparisons: { run: 333, passed: 320 },
  conversions: { run: 100, passed: 89 },
  fp_math: { run: 30, passed: 30 },
  integer_math: { run: 54, passed: 54 },
  lists: { run: 39, passed: 34 },
  logic: { run: 30, passed: 25 },
  macros: { run: 44, passed: 41 },
  string: { run: 51, passed: 51 },
};
