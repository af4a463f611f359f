import type { AnalysisIssue, IssueAnchor } from '@innominatus/core';
import type { Diagnostic, DiagnosticCode, Severity } from '../diagnostics/diagnostic';
import type { YamlSourceMap } from '../yaml/yaml-source-map';

/** Where in a field a diagnostic points: the value, the map key, or a character inside a string. */
export type Anchor = IssueAnchor;

/** Collects diagnostics for one file, resolving pointers to positions. */
export class DiagnosticSink {
  readonly diagnostics: Diagnostic[] = [];
  constructor(readonly source: YamlSourceMap) {}

  /** Records a problem at `pointer`. */
  add(code: DiagnosticCode, message: string, pointer: string, anchor: Anchor = 'value', severity: Severity = 'error'): void {
    const pos =
      anchor === 'value'
        ? this.source.positionOf(pointer)
        : anchor === 'key'
          ? this.source.keyPositionOf(pointer)
          : this.source.stringPositionOf(pointer, anchor.offset);
    this.diagnostics.push({ code, severity, message, file: this.source.file, line: pos.line, col: pos.col, pointer });
  }

  /** Records a warning at `pointer`. */
  warn(code: DiagnosticCode, message: string, pointer: string, anchor: Anchor = 'value'): void {
    this.add(code, message, pointer, anchor, 'warning');
  }

  /** Records an issue of core's analysis at its position in this file. */
  addIssue(issue: AnalysisIssue): void {
    this.add(issue.code, issue.message, issue.pointer, issue.anchor, issue.severity);
  }
}
