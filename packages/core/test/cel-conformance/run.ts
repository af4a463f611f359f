import { isDeepStrictEqual } from 'node:util';
import { tests } from '@bufbuild/cel-spec/testdata/conformance.js';
import { compileExpression, type ExpressionScope } from '../../src/index';

/** A value in the conformance data's protobuf JSON form (`cel.expr.Value`). */
type ProtoValue = Record<string, unknown>;

interface ConformanceTest {
  original: {
    name: string;
    expr: string;
    value?: ProtoValue;
    evalError?: unknown;
    bindings?: Record<string, { value?: ProtoValue }>;
    typeEnv?: Array<{ ident?: { type?: Record<string, unknown> } }>;
    container?: string;
    checkOnly?: boolean;
    typedResult?: { result?: ProtoValue };
  };
}

interface Suite {
  name: string;
  suites?: Suite[];
  tests?: ConformanceTest[];
}

/** The outcome of one conformance file (a top-level suite of the data). */
export interface FileResult {
  /** Tests that apply to the language (no protobuf messages, no type-check-only tests). */
  run: number;
  passed: number;
  /** `section/name` of each test run that failed. */
  failures: string[];
}

/** Runs the named files of the CEL conformance data through compileExpression and evaluate. */
export function runConformance(files: readonly string[]): Record<string, FileResult> {
  const out: Record<string, FileResult> = {};
  for (const file of files) {
    const suite = (tests as Suite).suites!.find((s) => s.name === file);
    if (!suite) throw new Error(`no conformance file '${file}'`);
    const result: FileResult = { run: 0, passed: 0, failures: [] };
    for (const section of suite.suites ?? []) {
      for (const t of section.tests ?? []) {
        if (!applies(t)) continue;
        result.run++;
        if (passes(t)) result.passed++;
        else result.failures.push(`${section.name}/${t.original.name}`);
      }
    }
    out[file] = result;
  }
  return out;
}

/** Tests of protobuf messages, enums, containers or the checker alone are outside the language. */
function applies(t: ConformanceTest): boolean {
  const o = t.original;
  if (o.checkOnly || o.container) return false;
  if (JSON.stringify(o.typeEnv ?? []).includes('messageType') || /google\.protobuf\.|TestAllTypes/.test(o.expr)) return false;
  const values = JSON.stringify([o.value, o.bindings, o.typedResult]);
  return !/"(objectValue|enumValue|uint64Value)"/.test(values);
}

function passes(t: ConformanceTest): boolean {
  const o = t.original;
  const bindings: Record<string, unknown> = {};
  for (const [k, b] of Object.entries(o.bindings ?? {})) bindings[k] = celOf(b.value ?? {});
  const scope: ExpressionScope = { celContext: () => bindings, rawContext: () => ({}) };
  let actual: unknown;
  try {
    actual = compileExpression(o.expr, Object.keys(bindings)).evaluate(scope);
  } catch {
    return o.evalError !== undefined;
  }
  const expected = o.value ?? o.typedResult?.result;
  return o.evalError === undefined && expected !== undefined && isDeepStrictEqual(actual, jsonOf(expected));
}

/** A binding as CEL values: ints as BigInt, bytes as Uint8Array, maps as Map. */
function celOf(v: ProtoValue): unknown {
  if ('int64Value' in v) return BigInt(v.int64Value as string);
  if ('doubleValue' in v) return Number(v.doubleValue);
  if ('bytesValue' in v) return new Uint8Array(Buffer.from(v.bytesValue as string, 'base64'));
  if ('nullValue' in v) return null;
  if ('listValue' in v) return ((v.listValue as { values?: ProtoValue[] }).values ?? []).map(celOf);
  if ('mapValue' in v) {
    const entries = (v.mapValue as { entries?: Array<{ key: ProtoValue; value: ProtoValue }> }).entries ?? [];
    return new Map(entries.map((e) => [celOf(e.key), celOf(e.value)]));
  }
  return v.stringValue ?? v.boolValue;
}

/** An expected value as evaluate returns it: JSON-friendly (ints as numbers, bytes as base64, maps as objects). */
function jsonOf(v: ProtoValue): unknown {
  if ('int64Value' in v) return Number(v.int64Value);
  if ('doubleValue' in v) return Number(v.doubleValue);
  if ('nullValue' in v) return null;
  if ('typeValue' in v) return `Type<${v.typeValue}>`;
  if ('listValue' in v) return ((v.listValue as { values?: ProtoValue[] }).values ?? []).map(jsonOf);
  if ('mapValue' in v) {
    const entries = (v.mapValue as { entries?: Array<{ key: ProtoValue; value: ProtoValue }> }).entries ?? [];
    return Object.fromEntries(entries.map((e) => [String(jsonOf(e.key)), jsonOf(e.value)]));
  }
  return v.stringValue ?? v.bytesValue ?? v.boolValue;
}
