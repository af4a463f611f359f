import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import semver from 'semver';
import {
  CORE_VERSION, InnominatusError, MAPPING_VARIABLES, compileWorkflow, PROVIDER_OPERATIONS, escapePointer,
  type LoadedProvider, type LoadedWorkflow, type Provider, type ProviderOperation, type StepRegistry, type Workflow,
} from '@innominatus/core';
import { hasErrors, type Diagnostic } from '../diagnostics/diagnostic';
import { didYouMean } from '../diagnostics/did-you-mean';
import { checkSchema } from '../schema/check-schema';
import { providerSchema } from '../schema/schemas';
import { DiagnosticSink } from '../validate/diagnostic-sink';
import { collectExpressions } from '../validate/expression-sites';
import { RESOURCE_FIELDS, validateWorkflow } from '../validate/workflow-validator';
import { loadYamlFile } from '../yaml/load-yaml';
import type { YamlSourceMap } from '../yaml/yaml-source-map';
import { resolveProviderFile } from './provider-files';
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
  const abs = resolve(path);
  let dir = abs;
  let file: string | undefined;
  try {
    if ((await stat(abs)).isDirectory()) {
      const names = new Set(await readdir(abs));
      const found = PROVIDER_FILE_NAMES.find((n) => names.has(n));
      if (!found) return single(display(abs), 'PROVIDER_FILE_MISSING', `no provider.yaml in folder '${display(abs)}'`);
      file = join(abs, found);
    } else {
      file = abs;
      dir = dirname(abs);
    }
  } catch {
    return single(display(abs), 'FILE_NOT_FOUND', `'${display(abs)}' does not exist`);
  }
  const parsed = await loadYamlFile(file, display(file));
  if (parsed.value === undefined) return { diagnostics: parsed.diagnostics };
  const sink = new DiagnosticSink(parsed.source);
  sink.diagnostics.push(...checkSchema(parsed.value, providerSchema, parsed.source, 'PROVIDER_SCHEMA'));
  const doc = parsed.value as Partial<Provider> & Record<string, unknown>;
  if (doc.kind === 'Platform') sink.warn('LEGACY_KIND', "kind 'Platform' is the legacy name; use 'Provider'", '/kind');
  checkCompatibility(doc, options.coreVersion ?? CORE_VERSION, sink);
  checkRequiredSteps(doc, options.steps, sink);

  const refs = Array.isArray(doc.workflows) ? doc.workflows : [];
  const workflows = new Map<string, LoadedWorkflow>();
  const refIndex = new Map<string, number>();
  const workflowDiagnostics: Diagnostic[] = [];
  const unique: Array<{ i: number; name: string; file: unknown }> = [];
  for (const [i, ref] of refs.entries()) {
    if (typeof ref !== 'object' || ref === null || typeof ref.name !== 'string') continue;
    if (refIndex.has(ref.name)) {
      sink.add('DUPLICATE_WORKFLOW', `workflow name '${ref.name}' is already used by workflows[${refIndex.get(ref.name)}]`, `/workflows/${i}/name`);
      continue;
    }
    refIndex.set(ref.name, i);
    unique.push({ i, name: ref.name, file: ref.file });
  }
  // Read and validate the workflow files concurrently; report in document order.
  const loadedRefs = await Promise.all(
    unique.map(async ({ i, name, file }) => {
      if (typeof file !== 'string' || file === '') return { i, name };
      const where = await resolveProviderFile(dir, file);
      if (!where.ok) return { i, name, where };
      return { i, name, where, wf: await loadWorkflowFile(where.path, options) };
    }),
  );
  for (const { i, name, where, wf } of loadedRefs) {
    if (where && !where.ok) sink.add(where.code, where.message, `/workflows/${i}/file`);
    if (!wf) continue;
    workflowDiagnostics.push(...wf.diagnostics);
    if (wf.workflow) {
      if (wf.workflow.workflow.metadata.name !== name) {
        sink.warn('WORKFLOW_NAME_MISMATCH', `workflow '${name}' points to a file whose metadata.name is '${wf.workflow.workflow.metadata.name}'`, `/workflows/${i}/file`);
      }
      workflows.set(name, wf.workflow);
    }
  }
  checkCapabilities(doc, refs as Provider['workflows'], refIndex, workflows, sink);

  const diagnostics = [...sink.diagnostics, ...workflowDiagnostics];
  if (hasErrors(diagnostics)) return { diagnostics };
  return { provider: { provider: doc as Provider, workflows, source: parsed.source, location: dir }, diagnostics };
}

/** Loads and validates a single workflow YAML file. */
export async function loadWorkflowFile(path: string, options: LoadOptions): Promise<WorkflowLoadResult> {
  const shown = relative(options.displayRoot ?? process.cwd(), path) || basename(path);
  const parsed = await loadYamlFile(path, shown);
  if (parsed.value === undefined) return { diagnostics: parsed.diagnostics };
  const v = validateWorkflow(parsed.value, parsed.source, options.steps);
  if (!v.workflow) return { diagnostics: v.diagnostics };
  // Whatever validates must also compile in the engine; if a rule is missing here, say so with a position.
  try {
    compileWorkflow(v.workflow, options.steps, { source: parsed.source });
  } catch (err) {
    if (!InnominatusError.is(err)) throw err;
    const pointer = err.path ?? '';
    const pos = parsed.source.positionOf(pointer);
    return { diagnostics: [...v.diagnostics, { code: 'WORKFLOW_INVALID', severity: 'error', message: err.message, file: parsed.source.file, line: pos.line, col: pos.col, pointer }] };
  }
  return { workflow: { workflow: v.workflow as Workflow, source: parsed.source }, diagnostics: v.diagnostics };
}

function single(file: string, code: Diagnostic['code'], message: string): ProviderLoadResult {
  return { diagnostics: [{ code, severity: 'error', message, file, line: 1, col: 1, pointer: '' }] };
}

function checkCompatibility(doc: Partial<Provider>, core: string, sink: DiagnosticSink): void {
  const c = doc.compatibility;
  if (typeof c !== 'object' || c === null) return;
  const { minCoreVersion: min, maxCoreVersion: max } = c;
  if (typeof min === 'string' && semver.valid(min) && semver.lt(core, min)) {
    sink.add('CORE_VERSION_INCOMPATIBLE', `provider needs core ${min} or newer; this is core ${core}`, '/compatibility/minCoreVersion');
  }
  if (typeof max === 'string' && semver.valid(max) && semver.gt(core, max)) {
    sink.add('CORE_VERSION_INCOMPATIBLE', `provider supports core up to ${max}; this is core ${core}`, '/compatibility/maxCoreVersion');
  }
  if (typeof min === 'string' && typeof max === 'string' && semver.valid(min) && semver.valid(max) && semver.gt(min, max)) {
    sink.add('CORE_VERSION_INCOMPATIBLE', `minCoreVersion ${min} is above maxCoreVersion ${max}`, '/compatibility');
  }
}

function checkCapabilities(
  doc: Partial<Provider>,
  refs: Provider['workflows'],
  refIndex: ReadonlyMap<string, number>,
  workflows: ReadonlyMap<string, LoadedWorkflow>,
  sink: DiagnosticSink,
): void {
  const caps = Array.isArray(doc.capabilities?.resourceTypeCapabilities) ? doc.capabilities!.resourceTypeCapabilities! : [];
  const byType = new Map<string, number>();
  caps.forEach((cap, i) => {
    if (typeof cap?.type !== 'string') return;
    if (byType.has(cap.type)) sink.add('DUPLICATE_TYPE', `resource type '${cap.type}' is already listed at resourceTypeCapabilities[${byType.get(cap.type)}]`, `/capabilities/resourceTypeCapabilities/${i}/type`);
    else byType.set(cap.type, i);
  });
  caps.forEach((cap, i) => {
    if (typeof cap !== 'object' || cap === null) return;
    const base = `/capabilities/resourceTypeCapabilities/${i}`;
    if (typeof cap.aliasFor === 'string') {
      const target = byType.has(cap.aliasFor) ? caps[byType.get(cap.aliasFor)!] : undefined;
      if (!target) {
        sink.add('ALIAS_TARGET_MISSING', `'${cap.type}' is an alias for '${cap.aliasFor}', which this provider does not serve${didYouMean(cap.aliasFor, byType.keys())}`, `${base}/aliasFor`);
      } else if (typeof target.aliasFor === 'string') {
        sink.add('ALIAS_CHAIN', `'${cap.type}' is an alias for '${cap.aliasFor}', which is itself an alias (for '${target.aliasFor}'); point aliases at a real type`, `${base}/aliasFor`);
      }
      if (cap.operations !== undefined) sink.add('OPERATION_INVALID', `'${cap.type}' is an alias; it takes the operations of '${cap.aliasFor}' and cannot have its own`, `${base}/operations`, 'key');
      if (cap.classes !== undefined) sink.add('OPERATION_INVALID', `'${cap.type}' is an alias; it serves the classes of '${cap.aliasFor}' and cannot list its own`, `${base}/classes`, 'key');
      return;
    }
    for (const op of PROVIDER_OPERATIONS) {
      const spec = cap.operations?.[op];
      if (typeof spec !== 'object' || spec === null) continue;
      const p = `${base}/operations/${op}`;
      const names: Array<[string, string]> = [];
      if (spec.workflow !== undefined && spec.workflows !== undefined) sink.add('OPERATION_INVALID', `operation '${op}' has both 'workflow' and 'workflows'; use one`, p, 'key');
      else if (spec.workflow === undefined && spec.workflows === undefined) sink.add('OPERATION_INVALID', `operation '${op}' names no workflow ('workflow' or 'workflows')`, p, 'key');
      if (typeof spec.workflow === 'string') names.push([spec.workflow, `${p}/workflow`]);
      if (Array.isArray(spec.workflows)) spec.workflows.forEach((w, j) => typeof w?.name === 'string' && names.push([w.name, `${p}/workflows/${j}/name`]));
      if (typeof spec.default === 'string') {
        if (!Array.isArray(spec.workflows) || !spec.workflows.some((w) => w?.name === spec.default)) {
          sink.add('WORKFLOW_NOT_FOUND', `default '${spec.default}' is not one of the operation's workflows`, `${p}/default`);
        }
      }
      for (const [name, pointer] of names) {
        const idx = refIndex.get(name);
        if (idx === undefined) {
          sink.add('WORKFLOW_NOT_FOUND', `operation '${op}' of '${cap.type}' names workflow '${name}', which is not in 'workflows'${didYouMean(name, refIndex.keys())}`, pointer);
          continue;
        }
        const declaredOp = refs[idx]?.operation;
        if (declaredOp !== undefined && declaredOp !== op) {
          sink.add('OPERATION_MISMATCH', `workflow '${name}' is declared for operation '${declaredOp}' but used for '${op}'`, pointer);
        }
        const wf = workflows.get(name);
        if (wf) checkMapping(spec, op, cap.type, name, wf.workflow, p, sink);
      }
    }
  });
  const legacy = doc.capabilities?.resourceTypes;
  if (Array.isArray(legacy) && legacy.length > 0) {
    const create = refs.find((w) => (w?.category ?? 'provisioner') === 'provisioner' && (w?.operation ?? 'create') === 'create');
    if (!create) sink.add('WORKFLOW_NOT_FOUND', 'legacy resourceTypes need a provisioner workflow for operation create', '/capabilities/resourceTypes');
  }
}

function checkMapping(
  spec: { parameters?: Record<string, unknown>; fromProperties?: string[] },
  op: ProviderOperation,
  type: string,
  workflowName: string,
  workflow: Workflow,
  pointer: string,
  sink: DiagnosticSink,
): void {
  const declared = new Map((workflow.parameters ?? []).map((p) => [p.name, p]));
  const mapped = new Set<string>();
  if (typeof spec.parameters === 'object' && spec.parameters !== null) {
    for (const [name, value] of Object.entries(spec.parameters)) {
      const at = `${pointer}/parameters/${escapePointer(name)}`;
      mapped.add(name);
      if (!declared.has(name)) {
        sink.add('MAPPING_UNKNOWN_PARAMETER', `workflow '${workflowName}' has no parameter '${name}'${didYouMean(name, declared.keys())}`, at, 'key');
      }
      const { sites, problems } = collectExpressions(value, at, MAPPING_VARIABLES);
      for (const pr of problems) sink.add('EXPRESSION_SYNTAX', pr.message, pr.pointer, { offset: pr.offset });
      for (const site of sites) {
        for (const ref of site.expression.references) {
          const field = ref.path[0];
          if (field !== undefined && !(RESOURCE_FIELDS as readonly string[]).includes(field)) {
            sink.add('UNKNOWN_REFERENCE', `resource has no field '${field}'${didYouMean(field, RESOURCE_FIELDS)} (fields: ${RESOURCE_FIELDS.join(', ')})`, site.pointer, { offset: site.offset + ref.start });
          }
        }
      }
    }
  }
  if (Array.isArray(spec.fromProperties)) {
    spec.fromProperties.forEach((name, j) => {
      if (typeof name !== 'string') return;
      mapped.add(name);
      if (!declared.has(name)) sink.add('MAPPING_UNKNOWN_PARAMETER', `workflow '${workflowName}' has no parameter '${name}'${didYouMean(name, declared.keys())}`, `${pointer}/fromProperties/${j}`);
    });
  }
  for (const p of workflow.parameters ?? []) {
    if (p.required === true && !('default' in p) && !mapped.has(p.name)) {
      sink.warn(
        'REQUIRED_PARAMETER_UNMAPPED',
        `required parameter '${p.name}' of workflow '${workflowName}' is not mapped for '${op}' of '${type}'; add it to 'parameters', or to 'fromProperties' if requests set it as a property`,
        pointer,
        'key',
      );
    }
  }
}
