import { analyzeWorkflow, withSharedDefinitions, type AnalysisIssue, type SharedDefinitions, type StepRegistry, type Workflow } from '@innominatus/core';
import { hasErrors, type Diagnostic } from '../diagnostics/diagnostic';
import { checkSchema } from '../schema/check-schema';
import { workflowValidator } from '../schema/document-validators';
import { workflowSchema } from '../schema/schemas';
import type { YamlSourceMap } from '../yaml/yaml-source-map';
import { DiagnosticSink } from './diagnostic-sink';

/** The result of validating one workflow document. */
export interface WorkflowValidation {
  /** The workflow, when it has no errors (combined with the shared definitions, when given). */
  workflow?: Workflow;
  diagnostics: Diagnostic[];
  /** Issues of the analysis that point into the shared definitions (pointers of provider.yaml). */
  sharedIssues: AnalysisIssue[];
  /** Where a pointer of the returned workflow was written. */
  origin?: ReturnType<typeof withSharedDefinitions>['origin'];
}

/**
 * Validates a parsed workflow document: the file format's JSON Schema, then
 * core's analysis (every rule of the language: names, references, CEL types,
 * step inputs, deferred fields, durations, outputs), each issue at its
 * `file:line:col`. With a provider's shared definitions, the workflow is
 * analysed combined with them; issues inside them are returned apart, for
 * provider.yaml.
 */
export function validateWorkflow(value: unknown, source: YamlSourceMap, steps: StepRegistry, shared?: SharedDefinitions): WorkflowValidation {
  const sink = new DiagnosticSink(source);
  sink.diagnostics.push(...checkSchema(value, workflowSchema, source, 'WORKFLOW_SCHEMA', workflowValidator));
  const schemaFailed = sink.diagnostics.length > 0;
  const combined = withSharedDefinitions(value as Workflow, shared);
  for (const issue of combined.issues) sink.addIssue(issue);
  const sharedIssues: AnalysisIssue[] = [];
  for (const issue of analyzeWorkflow(combined.workflow, steps).issues) {
    // The analysis's shape checks are a part of the schema, which has said it better.
    if (schemaFailed && issue.code === 'WORKFLOW_SCHEMA') continue;
    const where = combined.origin(issue.pointer);
    if (where.in === 'provider') sharedIssues.push(issue);
    else sink.addIssue({ ...issue, pointer: where.pointer });
  }
  const diagnostics = sink.diagnostics;
  if (hasErrors(diagnostics) || sharedIssues.some((i) => i.severity === 'error')) return { diagnostics, sharedIssues };
  return { workflow: combined.workflow, diagnostics, sharedIssues, origin: combined.origin };
}
