import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
// The functions alone: semver's index loads every function and range helper it has.
import gt from 'semver/functions/gt.js';
import lt from 'semver/functions/lt.js';
import valid from 'semver/functions/valid.js';
import {
  analyzeProvider,
  CORE_VERSION,
  type AnalysisIssue,
  type LoadedProvider,
  type LoadedWorkflow,
  type Provider,
  type SharedDefinitions,
  type StepRegistry,
  type Workflow,
} from '@innominatus/core';
import { hasErrors, type Diagnostic } from '../diagnostics/diagnostic';
import { checkSchema } from '../schema/check-schema';
import { providerValidator } from '../schema/document-validators';
import { providerSchema } from '../schema/schemas';
import { DiagnosticSink } from '../validate/diagnostic-sink';
import { validateWorkflow } from '../validate/workflow-validator';
import { loadYamlFile } from '../yaml/load-yaml';
import type { YamlSourceMap } from '../yaml/yaml-source-map';
import { resolveProviderFile } from './provider-files';
import { sharedSourceMap } from './shared-source-map';
import { checkRequiredSteps } from './required-steps';

/** Names provider.yaml may have inside a provider folder. */
export const PROVIDER_FILE_NAMES = ['provider.yaml', 'provider.yml'] as const;

/** Options of {@link loadProvider} and {@link loadWorkflowFile}. */
export interface LoadOptions {
  /** The step types workflows may use. */
  steps: StepRegistry;
  /** Paths in diagnostics are shown relative to this folder. Default: the working directory. */
  displayRoot?: string;
  /** Checked against `compatibility`. Default: core's version. */
  coreVersion?: string;
}

/** The outcome of loading a provider: the provider when it has no errors, and every diagnostic. */
export interface ProviderLoadResult {
  provider?: LoadedProvider;
  diagnostics: Diagnostic[];
}

/** The outcome of loading a single workflow file. */
export interface WorkflowLoadResult {
  workflow?: LoadedWorkflow;
  diagnostics: Diagnostic[];
}

/**
 * Loads a provider from its folder (or its provider.yaml): reads and
 * validates provider.yaml and every workflow it lists. Never throws for bad
 * content; every problem is a diagnostic with `file:line:col`.
 *
 * @example
 * const { provider, diagnostics } = await loadProvider('providers/database-team', { steps });
 */
export async function loadProvider(path: string, options: LoadOptions): Promise<ProviderLoadResult> {
  const display = (p: string) => relative(options.displayRoot ?? process.cwd(), p) || basename(p);
  const located = locateProviderFile(resolve(path), display);
  if ('diagnostics' in located) return located;
  const { dir, file } = located;
  const parsed = await loadYamlFile(file, display(file));
  if (parsed.value === undefined) return { diagnostics: parsed.diagnostics };
  const sink = new DiagnosticSink(parsed.source);
  sink.diagnostics.push(...checkSchema(parsed.value, providerSchema, parsed.source, 'PROVIDER_SCHEMA', providerValidator));
  const doc = parsed.value as Partial<Provider> & Record<string, unknown>;
  if (doc.kind === 'Platform') sink.warn('LEGACY_KIND', "kind 'Platform' is the legacy name; use 'Provider'", '/kind');
  checkCompatibility(doc, options.coreVersion ?? CORE_VERSION, sink);
  checkRequiredSteps(doc, options.steps, sink);

  const shared = sharedDefinitionsOf(doc);
  const refs = uniqueWorkflowRefs(doc, sink);
  const loaded = await loadWorkflowRefs(refs, dir, options, shared && { definitions: shared, source: parsed.source }, sink);
  const loadedWorkflows = new Map([...loaded.workflows].map(([k, w]) => [k, w.workflow]));
  // What the workflows' analyses found in the shared definitions, reported once at provider.yaml.
  addOnce(sink, [...analyzeProvider(doc, loadedWorkflows), ...loaded.sharedIssues]);

  const diagnostics = [...sink.diagnostics, ...loaded.diagnostics];
  if (hasErrors(diagnostics)) return { diagnostics };
  return { provider: { provider: doc as Provider, workflows: loaded.workflows, source: parsed.source, location: dir }, diagnostics };
}

/** The provider.yaml of a folder (or the file itself) and the folder its paths are relative to; a diagnostic when there is none. */
function locateProviderFile(abs: string, display: (p: string) => string): { dir: string; file: string } | ProviderLoadResult {
  try {
    // Synchronous, as the YAML files are read: one system call each, no thread-pool round trip.
    if (!statSync(abs).isDirectory()) return { dir: dirname(abs), file: abs };
    const names = new Set(readdirSync(abs));
    const found = PROVIDER_FILE_NAMES.find((n) => names.has(n));
    if (!found) return single(display(abs), 'PROVIDER_FILE_MISSING', `no provider.yaml in folder '${display(abs)}'`);
    return { dir: abs, file: join(abs, found) };
  } catch {
    return single(display(abs), 'FILE_NOT_FOUND', `'${display(abs)}' does not exist`);
  }
}

/** One entry of provider.yaml's `workflows`: its index, name and file (not checked yet). */
interface WorkflowRef {
  i: number;
  name: string;
  file: unknown;
}

/** The named entries of `workflows`, each name once: a second use of a name is a `DUPLICATE_WORKFLOW` error. */
function uniqueWorkflowRefs(doc: Partial<Provider>, sink: DiagnosticSink): WorkflowRef[] {
  const refs = Array.isArray(doc.workflows) ? doc.workflows : [];
  const refIndex = new Map<string, number>();
  const unique: WorkflowRef[] = [];
  for (const [i, ref] of refs.entries()) {
    if (typeof ref !== 'object' || ref === null || typeof ref.name !== 'string') continue;
    if (refIndex.has(ref.name)) {
      sink.add('DUPLICATE_WORKFLOW', `workflow name '${ref.name}' is already used by workflows[${refIndex.get(ref.name)}]`, `/workflows/${i}/name`);
      continue;
    }
    refIndex.set(ref.name, i);
    unique.push({ i, name: ref.name, file: ref.file });
  }
  return unique;
}

/**
 * Reads and validates the workflow files concurrently and reports in
 * document order: problems of a reference at provider.yaml (`sink`), those
 * of a file with the file's diagnostics.
 */
async function loadWorkflowRefs(
  refs: readonly WorkflowRef[],
  dir: string,
  options: LoadOptions,
  shared: SharedDefinitionsSource | undefined,
  sink: DiagnosticSink,
): Promise<{ workflows: Map<string, LoadedWorkflow>; diagnostics: Diagnostic[]; sharedIssues: AnalysisIssue[] }> {
  const workflows = new Map<string, LoadedWorkflow>();
  const diagnostics: Diagnostic[] = [];
  const sharedIssues: AnalysisIssue[] = [];
  const loadedRefs = await Promise.all(
    refs.map(async ({ i, name, file }) => {
      if (typeof file !== 'string' || file === '') return { i, name };
      const where = await resolveProviderFile(dir, file);
      if (!where.ok) return { i, name, where };
      return { i, name, where, wf: await loadWorkflowFile(where.path, options, shared) };
    }),
  );
  for (const { i, name, where, wf } of loadedRefs) {
    if (where && !where.ok) sink.add(where.code, where.message, `/workflows/${i}/file`);
    if (!wf) continue;
    diagnostics.push(...wf.diagnostics);
    sharedIssues.push(...(wf.sharedIssues ?? []));
    if (wf.workflow) {
      if (wf.workflow.workflow.metadata.name !== name) {
        sink.warn(
          'WORKFLOW_NAME_MISMATCH',
          `workflow '${name}' points to a file whose metadata.name is '${wf.workflow.workflow.metadata.name}'`,
          `/workflows/${i}/file`,
        );
      }
      workflows.set(name, wf.workflow);
    }
  }
  return { workflows, diagnostics, sharedIssues };
}

/** Adds each issue once (the same code, place and message found by several workflows is one diagnostic). */
function addOnce(sink: DiagnosticSink, issues: readonly AnalysisIssue[]): void {
  const seen = new Set<string>();
  for (const issue of issues) {
    const key = JSON.stringify([issue.code, issue.pointer, issue.message]);
    if (seen.has(key)) continue;
    seen.add(key);
    sink.addIssue(issue);
  }
}

/** A provider's shared definitions, with where provider.yaml was read from. */
export interface SharedDefinitionsSource {
  definitions: SharedDefinitions;
  source: YamlSourceMap;
}

/**
 * Loads and validates a single workflow YAML file; with a provider's shared
 * definitions, the workflow is combined with them (its source map then finds
 * the shared fields in provider.yaml).
 */
export async function loadWorkflowFile(
  path: string,
  options: LoadOptions,
  shared?: SharedDefinitionsSource,
): Promise<WorkflowLoadResult & { sharedIssues?: AnalysisIssue[] }> {
  const shown = relative(options.displayRoot ?? process.cwd(), path) || basename(path);
  const parsed = await loadYamlFile(path, shown);
  if (parsed.value === undefined) return { diagnostics: parsed.diagnostics };
  // The validator runs the engine's own analysis: what validates here compiles there.
  const v = validateWorkflow(parsed.value, parsed.source, options.steps, shared?.definitions);
  if (!v.workflow) return { diagnostics: v.diagnostics, sharedIssues: v.sharedIssues };
  const source = shared && v.origin ? sharedSourceMap(parsed.source, shared.source, v.origin) : parsed.source;
  return { workflow: { workflow: v.workflow as Workflow, source }, diagnostics: v.diagnostics, sharedIssues: v.sharedIssues };
}

/** The shared definitions of provider.yaml, when it declares any of the right shape. */
function sharedDefinitionsOf(doc: Partial<Provider>): SharedDefinitions | undefined {
  const parameters = Array.isArray(doc.parameters) ? doc.parameters : undefined;
  const vars = typeof doc.vars === 'object' && doc.vars !== null && !Array.isArray(doc.vars) ? doc.vars : undefined;
  if (!parameters && !vars) return undefined;
  return { ...(parameters ? { parameters } : {}), ...(vars ? { vars } : {}) };
}

function single(file: string, code: Diagnostic['code'], message: string): ProviderLoadResult {
  return { diagnostics: [{ code, severity: 'error', message, file, line: 1, col: 1, pointer: '' }] };
}

function checkCompatibility(doc: Partial<Provider>, core: string, sink: DiagnosticSink): void {
  const c = doc.compatibility;
  if (typeof c !== 'object' || c === null) return;
  const { minCoreVersion: min, maxCoreVersion: max } = c;
  if (typeof min === 'string' && valid(min) && lt(core, min)) {
    sink.add('CORE_VERSION_INCOMPATIBLE', `provider needs core ${min} or newer; this is core ${core}`, '/compatibility/minCoreVersion');
  }
  if (typeof max === 'string' && valid(max) && gt(core, max)) {
    sink.add('CORE_VERSION_INCOMPATIBLE', `provider supports core up to ${max}; this is core ${core}`, '/compatibility/maxCoreVersion');
  }
  if (typeof min === 'string' && typeof max === 'string' && valid(min) && valid(max) && gt(min, max)) {
    sink.add('CORE_VERSION_INCOMPATIBLE', `minCoreVersion ${min} is above maxCoreVersion ${max}`, '/compatibility');
  }
}
