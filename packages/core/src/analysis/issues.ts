/** Where in a field an issue points: the value, the map key, or a character inside a string. */
export type IssueAnchor = 'value' | 'key' | { offset: number };

/** How bad an issue is: errors stop a workflow from compiling, warnings do not. */
export type IssueSeverity = 'error' | 'warning';

/** The stable codes of the problems the workflow analysis finds. */
export type IssueCode =
  | 'WORKFLOW_SCHEMA'
  | 'UNKNOWN_KEY'
  | 'DUPLICATE_STEP'
  | 'RESUME_FROM_INVALID'
  | 'FOR_EACH_INVALID'
  | 'DUPLICATE_PARAMETER'
  | 'DUPLICATE_VAR'
  | 'UNKNOWN_STEP_TYPE'
  | 'STEP_INPUT_INVALID'
  | 'INVALID_DURATION'
  | 'EXPRESSION_SYNTAX'
  | 'EXPRESSION_TYPE'
  | 'EXPRESSION_COST'
  | 'UNKNOWN_REFERENCE'
  | 'FORWARD_STEP_REFERENCE'
  | 'UNKNOWN_OUTPUT'
  | 'VARS_CYCLE'
  | 'SENSITIVE_OUTPUT_NOT_MARKED'
  | 'PARAMETER_DEFAULT_INVALID'
  | 'PARAMETER_SCHEMA_INVALID'
  | 'OUTPUT_INVALID'
  // provider.yaml: capabilities and parameter mappings
  | 'DUPLICATE_TYPE'
  | 'ALIAS_TARGET_MISSING'
  | 'ALIAS_CHAIN'
  | 'OPERATION_INVALID'
  | 'OPERATION_MISMATCH'
  | 'WORKFLOW_NOT_FOUND'
  | 'MAPPING_UNKNOWN_PARAMETER'
  | 'MAPPING_INVALID'
  | 'REQUIRED_PARAMETER_UNMAPPED'
  | 'SHARED_DEFINITIONS_MISSING';

/**
 * One problem found in a workflow: a stable code, a message naming what is
 * wrong, and the JSON pointer of the field (with the character inside a
 * string when the problem is inside an expression).
 */
export interface AnalysisIssue {
  code: IssueCode;
  severity: IssueSeverity;
  message: string;
  pointer: string;
  anchor: IssueAnchor;
}

/** Collects issues in the order they are found. */
export class IssueList {
  readonly items: AnalysisIssue[] = [];

  /** Records an error at `pointer`. */
  error(code: IssueCode, message: string, pointer: string, anchor: IssueAnchor = 'value'): void {
    this.items.push({ code, severity: 'error', message, pointer, anchor });
  }

  /** Records a warning at `pointer`. */
  warn(code: IssueCode, message: string, pointer: string, anchor: IssueAnchor = 'value'): void {
    this.items.push({ code, severity: 'warning', message, pointer, anchor });
  }

  /** True when any error was recorded (warnings do not count). */
  get hasErrors(): boolean {
    return this.items.some((i) => i.severity === 'error');
  }

  /** Number of issues recorded so far (to tell whether a phase added any). */
  get size(): number {
    return this.items.length;
  }
}
