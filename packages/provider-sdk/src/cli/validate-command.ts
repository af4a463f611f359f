import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import pc from 'picocolors';
import { analyzeWorkflow, ProviderRegistry, type StepRegistry, type Workflow } from '@innominatus/core';
import { formatDiagnostic, hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic';
import { loadProvider, loadWorkflowFile, PROVIDER_FILE_NAMES } from '../load/load-provider';
import { registerOrReport } from '../load/load-registry';
import { checkManifestsAgainstCrds, type ManifestSchemas, mayBeBuiltin } from '../validate/crd-manifests';
import type { YamlSourceMap } from '../yaml/yaml-source-map';
import type { CliIo } from './cli-io';

export type { ManifestSchemas } from '../validate/crd-manifests';

/** Options of the `validate` command. */
export interface ValidateCommandOptions {
  format: 'text' | 'json';
  steps: StepRegistry;
  /** Check manifests against these CRDs (`--crd`) and the built-in kinds' schemas; loaded when first needed if not given. */
  schemas?: ManifestSchemas;
  /** Problems reading the CRD files, reported with the rest. */
  crdDiagnostics?: readonly Diagnostic[];
}

/** One path checked: a provider or a workflow file, its workflows and how many errors and warnings it has. */
interface Checked {
  path: string;
  kind: 'provider' | 'workflow';
  workflows: number;
  errors: number;
  warnings: number;
}

/** Validates provider folders, provider.yaml files and workflow files; returns the exit code (0 valid, 1 errors). */
export async function validateCommand(paths: readonly string[], options: ValidateCommandOptions, io: CliIo): Promise<number> {
  const all: Diagnostic[] = [...(options.crdDiagnostics ?? [])];
  // The SDK's loaders give every workflow its YAML source map.
  let schemas = options.schemas;
  const againstSchemas = async (workflow: Workflow, source: unknown): Promise<Diagnostic[]> => {
    if (!source || (!options.schemas?.crds.length && !appliesBuiltin(workflow))) return [];
    schemas ??= await builtinSchemas();
    // The analysis has typed each expression (its outcomes are cached): the types of the whole ones placed in manifests.
    const types = analyzeWorkflow(workflow, options.steps).expressionTypes;
    return checkManifestsAgainstCrds(workflow, source as YamlSourceMap, schemas, types);
  };
  const checked: Checked[] = [];
  // Several providers are checked together as one registry would take them: a type claimed twice is an error.
  const registry = new ProviderRegistry();
  for (const p of paths) {
    const abs = resolve(io.cwd, p);
    const isDir = await stat(abs).then(
      (s) => s.isDirectory(),
      () => false,
    );
    const asProvider = isDir || (PROVIDER_FILE_NAMES as readonly string[]).includes(basename(abs));
    const loadOptions = { steps: options.steps, displayRoot: io.cwd };
    let diagnostics: Diagnostic[];
    let workflows = 0;
    if (asProvider) {
      const r = await loadProvider(abs, loadOptions);
      diagnostics = r.diagnostics;
      workflows = r.provider?.workflows.size ?? 0;
      const conflict = r.provider && !hasErrors(diagnostics) ? registerOrReport(registry, r.provider) : undefined;
      if (conflict) diagnostics = [...diagnostics, conflict];
      for (const w of r.provider?.workflows.values() ?? []) diagnostics = [...diagnostics, ...(await againstSchemas(w.workflow, w.source))];
    } else {
      const r = await loadWorkflowFile(abs, loadOptions);
      diagnostics = r.diagnostics;
      workflows = r.workflow ? 1 : 0;
      if (r.workflow) diagnostics = [...diagnostics, ...(await againstSchemas(r.workflow.workflow, r.workflow.source))];
    }
    all.push(...diagnostics);
    checked.push({
      path: p,
      kind: asProvider ? 'provider' : 'workflow',
      workflows,
      errors: diagnostics.filter((d) => d.severity === 'error').length,
      warnings: diagnostics.filter((d) => d.severity === 'warning').length,
    });
  }
  sortDiagnostics(all);
  return report(all, checked, options.format, io);
}

/** Prints the sorted diagnostics and the summary (or one JSON document); returns the exit code. */
function report(all: readonly Diagnostic[], checked: readonly Checked[], format: ValidateCommandOptions['format'], io: CliIo): number {
  const errors = all.filter((d) => d.severity === 'error').length;
  const warnings = all.length - errors;
  if (format === 'json') {
    io.stdout(`${JSON.stringify({ valid: errors === 0, errors, warnings, checked, diagnostics: all }, null, 2)}\n`);
    return errors > 0 ? 1 : 0;
  }
  const c = pc.createColors(io.color);
  for (const d of all) {
    const line = formatDiagnostic(d);
    io.stdout(`${io.color ? line.replace(`: ${d.severity}: `, `: ${d.severity === 'error' ? c.red('error') : c.yellow('warning')}: `) : line}\n`);
  }
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  const providers = checked.filter((x) => x.kind === 'provider').length;
  const files = checked.length - providers;
  const what = [providers > 0 ? plural(providers, 'provider') : '', files > 0 ? plural(files, 'workflow file') : ''].filter(Boolean).join(' and ');
  const summary =
    errors > 0
      ? c.red(`✖ ${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${what}`)
      : c.green(
          `✔ ${what} valid (${plural(
            checked.reduce((n, x) => n + x.workflows, 0),
            'workflow',
          )}, ${plural(warnings, 'warning')})`,
        );
  io.stdout(`${summary}\n`);
  return errors > 0 ? 1 : 0;
}

/** True when a `kubernetes-apply` step of the workflow applies a manifest whose `apiVersion` may be a built-in kind's. */
function appliesBuiltin(workflow: Workflow): boolean {
  return (workflow.steps ?? []).some((step) => {
    const manifests = step.type === 'kubernetes-apply' ? (step.with as { manifests?: unknown } | undefined)?.manifests : undefined;
    return Array.isArray(manifests) && manifests.some((m) => typeof m === 'object' && m !== null && mayBeBuiltin((m as { apiVersion?: unknown }).apiVersion));
  });
}

/** The built-in kinds' schemas, without CRDs: the CRD module is loaded only now, when a workflow applies a built-in kind. */
async function builtinSchemas(): Promise<ManifestSchemas> {
  const crd = await import('@innominatus/steps-kubernetes/crd');
  return { crds: [], builtins: crd.builtinKinds(), validate: crd.validateCustomResource };
}
