import { checkAgainstSchema, type PrecompiledValidator } from '@innominatus/core/internal';
import type { Diagnostic, DiagnosticCode } from '../diagnostics/diagnostic';
import { DiagnosticSink } from '../validate/diagnostic-sink';
import type { YamlSourceMap } from '../yaml/yaml-source-map';

/**
 * Validates a document against a JSON Schema: every problem becomes a
 * diagnostic at the offending field (core's `checkAgainstSchema` words them).
 * `precompiled` is the schema's validator generated ahead of time, if any.
 */
export function checkSchema(value: unknown, schema: object, source: YamlSourceMap, code: DiagnosticCode, precompiled?: PrecompiledValidator): Diagnostic[] {
  const sink = new DiagnosticSink(source);
  for (const i of checkAgainstSchema(value, schema, code, precompiled)) sink.add(i.code, i.message, i.pointer, i.anchor);
  return sink.diagnostics;
}
