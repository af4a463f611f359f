import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { differences, yamlOutput } from '../scripts/yaml-patch/compare';
import { copiesFacts, loadYamlCopies, removeCopies, type YamlCopies } from '../scripts/yaml-patch/copies';
import { YAML_EDGE_CASES } from '../scripts/yaml-patch/edge-cases';

// The yaml package is patched for speed (pnpm-workspace.yaml); the patch must
// not change what it parses. The whole comparison (also every YAML file of the
// repository: about 5 s of CPU, most of it the lockfile) is
// `pnpm yaml:patch-check`; this test runs it on the edge cases.

const ROOT = `${__dirname}/..`;
let copies: YamlCopies;

beforeAll(() => {
  copies = loadYamlCopies(ROOT);
}, 120_000);

afterAll(() => removeCopies(copies));

describe('the patched yaml', () => {
  it('is compared with the original of its version: the same tarball, differing in exactly the files the patch changes', () => {
    const facts = copiesFacts(ROOT, copies);
    expect(facts.versions[0]).toBe(facts.versions[1]);
    expect(facts.integrity[0]).toMatch(/^sha512-/);
    expect(facts.integrity[0]).toBe(facts.integrity[1]);
    expect(facts.files[0]).toStrictEqual(facts.files[1]);
    expect(facts.changed[1].length).toBeGreaterThan(0);
    expect(facts.changed[0]).toStrictEqual(facts.changed[1]);
  });

  it('makes what the original makes of the edge cases: tokens, CST (whole and streamed), documents, errors and their positions', () => {
    const found = YAML_EDGE_CASES.flatMap((source, i) =>
      differences(yamlOutput(copies.patched, source), yamlOutput(copies.original, source)).map((d) => `edge case ${i}: ${d}`),
    );
    expect(found).toStrictEqual([]);
  });

  it('would see a difference: a document the patched copy parses, compared with the original parsing another', () => {
    const found = differences(yamlOutput(copies.patched, 'a: [1, 2]\n'), yamlOutput(copies.original, 'a: [1, 3]\n'));
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]).toMatch(/^lexer, at character \d+: patched ".*2.*", original ".*3.*"$/);
  });
});
