import type { IssueCode } from '@innominatus/core';

/** The stable codes of every problem the SDK reports. */
export type DiagnosticCode =
  // reading files
  | 'FILE_NOT_FOUND'
  | 'FILE_TOO_LARGE'
  | 'FILE_UNREADABLE'
  | 'EMPTY_FILE'
  | 'NOT_YAML'
  | 'YAML_SYNTAX'
  | 'YAML_ALIAS_LIMIT'
  | 'YAML_EXPANSION_LIMIT'
  | 'DUPLICATE_KEY'
  | 'NON_STRING_KEY'
  | 'PROVIDER_FILE_MISSING'
  // schema
  | 'PROVIDER_SCHEMA'
  | 'WORKFLOW_SCHEMA'
  | 'UNKNOWN_KEY'
  | 'LEGACY_KIND'
  | 'CORE_VERSION_INCOMPATIBLE'
  | 'STEP_TYPE_MISSING'
  | 'STEP_VERSION_MISMATCH'
  | 'STEP_VERSION_RANGE_INVALID'
  // provider.yaml rules
  | 'FILE_OUTSIDE_PROVIDER'
  | 'WORKFLOW_NOT_FOUND'
  | 'DUPLICATE_WORKFLOW'
  | 'DUPLICATE_TYPE'
  | 'ALIAS_TARGET_MISSING'
  | 'ALIAS_CHAIN'
  | 'OPERATION_MISMATCH'
  | 'OPERATION_INVALID'
  | 'WORKFLOW_NAME_MISMATCH'
  | 'MAPPING_UNKNOWN_PARAMETER'
  | 'REQUIRED_PARAMETER_UNMAPPED'
  // workflow rules: core's analysis
  | IssueCode
  // the engine refused what the rules above let through
  | 'WORKFLOW_INVALID'
  // registering many providers
  | 'PROVIDER_CONFLICT'
  // validate --crd: the CRD files, and manifests checked against them
  | 'CRD_UNREADABLE'
  | 'CRD_INVALID'
  | 'MANIFEST_INVALID'
  | 'MANIFEST_UNKNOWN_FIELD';

/** How bad a problem is: errors make validation fail, warnings do not. */
export type Severity = 'error' | 'warning';

/**
 * One problem found in a provider or workflow, with where it was written.
 * `line` and `col` are 1-based; `pointer` is the JSON pointer of the field.
 */
export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  file: string;
  line: number;
  col: number;
  pointer: string;
}

/** True when any diagnostic is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** `file:line:col: severity: message [CODE]`, the format of compilers and the CLI. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message} [${d.code}]`;
}

/** Sorts by file, then line, then column (stable for equal positions). */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort((a, b) => (a.file === b.file ? a.line - b.line || a.col - b.col : a.file < b.file ? -1 : 1));
}
