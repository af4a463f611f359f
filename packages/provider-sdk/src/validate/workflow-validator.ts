import { analyzeWorkflow, type StepRegistry, type Workflow } from '@innominatus/core';
import { hasErrors, type Diagnostic } from '../diagnostics/diagnostic';
import { checkSchema } from '../schema/check-schema';
import { workflowSchema } from '../schema/schemas';
import type { YamlSourceMap } from '../yaml/yaml-source-map';
import { DiagnosticSink } from './diagnostic-sink';

/** The result of validating one workflow document. */
export interface WorkflowValidation {
  /** The workflow, when it has no errors. */
  workflow?: Workflow;
  diagnostics: Diagnostic[];
}

/**
 * Validates a parsed workflow document: the file format's JSON Schema, then
 * core's analysis (every rule of the language: names, references, CEL types,
 * step inputs, deferred fields, durations, outputs), each issue at its
 * `file:line:col`.
 */
export function validateWorkflow(value: unknown, source: YamlSourceMap, steps: StepRegistry): WorkflowValidation {
  const sink = new DiagnosticSink(source);
  sink.diagnostics.push(...checkSchema(value, workflowSchema, source, 'WORKFLOW_SCHEMA'));
  const schemaFailed = sink.diagnostics.length > 0;
  for (const issue of analyzeWorkflow(value, steps).issues) {
    // The analysis's shape checks are a part of the schema, which has said it better.
    if (schemaFailed && issue.code === 'WORKFLOW_SCHEMA') continue;
    sink.addIssue(issue);
  }
  const diagnostics = sink.diagnostics;
  return hasErrors(diagnostics) ? { diagnostics } : { workflow: value as Workflow, diagnostics };
}
