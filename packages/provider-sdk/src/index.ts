/**
 * `@innominatus/provider-sdk`: load, validate and render innominatus
 * providers (provider.yaml and workflow YAML, with `file:line:col` on every
 * diagnostic), their JSON Schemas, and the `provider-sdk` CLI.
 *
 * @packageDocumentation
 */
export { loadProvider, loadWorkflowFile, PROVIDER_FILE_NAMES } from './load/load-provider';
export type { SharedDefinitionsSource } from './load/load-provider';
export type { LoadOptions, ProviderLoadResult, WorkflowLoadResult } from './load/load-provider';
export { loadProviderSource, requireProvider } from './load/load-source';
export type { ProviderSource, SourceOptions } from './load/load-source';
export { loadRegistry } from './load/load-registry';
export type { RegistryLoadResult } from './load/load-registry';
export { checkoutGitSource } from './load/git-source';
export type { GitSource, GitCheckout } from './load/git-source';
export { resolveProviderFile } from './load/provider-files';
export type { FileCheck } from './load/provider-files';

export { validateWorkflow } from './validate/workflow-validator';
export { RESOURCE_FIELDS, RUN_FIELDS } from '@innominatus/core';
export type { WorkflowValidation } from './validate/workflow-validator';
export { loadYamlFile, parseYamlBytes, parseYamlText, MAX_FILE_BYTES, MAX_ALIAS_COUNT } from './yaml/load-yaml';
export type { LaterDocuments, ParsedYaml, YamlTextOptions } from './yaml/load-yaml';
export { checkYamlExpansion, DEFAULT_EXPANSION_LIMITS, MAX_EXPANDED_BYTES, MAX_EXPANDED_NODES } from './yaml/expansion-limit';
export type { YamlExpansionExcess, YamlExpansionLimits } from './yaml/expansion-limit';
export { YamlSourceMap } from './yaml/yaml-source-map';

export { providerSchema, workflowSchema } from './schema/schemas';
export { workflowSchemaWithSteps, editorInputSchema } from './schema/editor-schema';
export { formatDiagnostic, hasErrors, sortDiagnostics } from './diagnostics/diagnostic';
export type { Diagnostic, DiagnosticCode, Severity } from './diagnostics/diagnostic';
export { closest, didYouMean } from '@innominatus/core';

export { renderWorkflow, hideSensitive, SENSITIVE_PLACEHOLDER } from './render/render-workflow';
export type { RenderResult, RenderedStep, RenderOptions } from './render/render-workflow';

export { providerDocs } from './docs/provider-docs';
export type { ProviderDocsOptions } from './docs/provider-docs';
export { readMarkedSection, replaceMarkedSection, sectionMarkers } from './docs/marked-section';
export { deriveRbac } from './rbac/derive-rbac';
export type { DeriveRbacOptions, RbacDerivation, RbacRule } from './rbac/derive-rbac';
export { renderClusterRole } from './rbac/render-rbac';
export type { ClusterRoleOptions } from './rbac/render-rbac';

export { defaultSteps } from './steps/default-steps';
export { loadStepsModule } from './cli/load-steps';

export { ProviderSdkError, ProviderInvalidError } from './errors';
export type { SdkErrorCode } from './errors';
