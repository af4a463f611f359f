import { resolve } from 'node:path';
import { parse as parseYamlScalar, stringify } from 'yaml';
import {
  InnominatusError,
  ProviderRegistry,
  mapParameters,
  type LoadedProvider,
  type LoadedWorkflow,
  type ParameterSpec,
  type ResourceContext,
  type StepRegistry,
  didYouMean,
} from '@innominatus/core';
import { formatDiagnostic } from '../diagnostics/diagnostic';
import { ProviderSdkError } from '../errors';
import { renderWorkflow } from '../render/render-workflow';
import { loadYamlFile } from '../yaml/load-yaml';
import type { CliIo } from './cli-io';
import { loadValidProvider } from './valid-provider';

/** Options of the `render` command. */
export interface RenderCommandOptions {
  steps: StepRegistry;
  workflow?: string;
  param: string[];
  paramsFile?: string;
  operation?: string;
  type?: string;
  resourceName?: string;
  application?: string;
  property: string[];
}

/** Dry-runs a workflow of a provider and prints each step's rendered input as YAML. Returns the exit code. */
export async function renderCommand(dir: string, options: RenderCommandOptions, io: CliIo): Promise<number> {
  const provider = await loadValidProvider(dir, options.steps, io, 'rendering');
  if (!provider) return 1;
  const { workflow, workflowName, resource, mapped } = chooseWorkflow(provider, options);
  let parameters: Record<string, unknown> = mapped;
  if (options.paramsFile) {
    const file = await loadYamlFile(resolve(io.cwd, options.paramsFile), options.paramsFile);
    if (file.value === undefined) {
      for (const d of file.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
      return 1;
    }
    parameters = { ...parameters, ...(file.value as Record<string, unknown>) };
  }
  const specs = new Map((workflow.workflow.parameters ?? []).map((p) => [p.name, p]));
  for (const p of options.param) {
    const [k, v] = splitPair(p, '--param');
    parameters[k] = coerce(v, specs.get(k));
  }
  let result: ReturnType<typeof renderWorkflow>;
  try {
    result = renderWorkflow(workflow, options.steps, { parameters, ...(resource ? { resource } : {}) });
  } catch (err) {
    if (InnominatusError.is(err)) {
      io.stderr(`error: ${err.describe()}\n`);
      return 1;
    }
    throw err;
  }
  const doc = {
    workflow: workflowName,
    ...(resource ? { resource: { type: resource.type, name: resource.name, application: resource.application, operation: resource.operation } } : {}),
    parameters: result.parameters,
    vars: result.vars,
    steps: result.steps.map((s) => ({ name: s.name, type: s.type, ...(s.runs === true ? {} : { runs: s.runs }), with: s.input })),
    outputs: result.outputs,
  };
  io.stdout(stringify(doc, { lineWidth: 0 }));
  return 0;
}

/** What `render` runs: the workflow of `--operation` on `--type` (with the resource and its mapped parameters), or the one named by `--workflow`. */
function chooseWorkflow(
  provider: LoadedProvider,
  options: RenderCommandOptions,
): { workflow: LoadedWorkflow; workflowName: string; resource?: ResourceContext; mapped: Record<string, unknown> } {
  if (options.operation === undefined) {
    if (!options.workflow) throw new ProviderSdkError('USAGE', 'render needs --workflow NAME, or --operation with --type');
    const wf = provider.workflows.get(options.workflow);
    if (!wf) {
      throw new ProviderSdkError(
        'USAGE',
        `provider '${provider.provider.metadata.name}' has no workflow '${options.workflow}'${didYouMean(options.workflow, provider.workflows.keys())} (workflows: ${[...provider.workflows.keys()].join(', ')})`,
      );
    }
    return { workflow: wf, workflowName: options.workflow, mapped: {} };
  }
  const operation = options.operation;
  if (operation !== 'create' && operation !== 'update' && operation !== 'delete') {
    throw new ProviderSdkError('USAGE', `--operation must be create, update or delete (got '${operation}')`);
  }
  if (!options.type || !options.resourceName || !options.application) {
    throw new ProviderSdkError('USAGE', '--operation needs --type, --resource-name and --application');
  }
  const resolution = new ProviderRegistry().register(provider).resolve(options.type, operation);
  const resource: ResourceContext = {
    id: 'dry-run',
    name: options.resourceName,
    type: options.type,
    application: options.application,
    properties: Object.fromEntries(options.property.map((p) => splitPair(p, '--property')).map(([k, v]) => [k, scalar(v)])),
    operation,
  };
  return { workflow: resolution.workflow, workflowName: resolution.workflowName, resource, mapped: mapParameters(resolution, resource) };
}

function splitPair(text: string, flag: string): [string, string] {
  const i = text.indexOf('=');
  if (i <= 0) throw new ProviderSdkError('USAGE', `${flag} takes key=value (got '${text}')`);
  return [text.slice(0, i), text.slice(i + 1)];
}

/** A command-line value read by the declared type of its parameter. */
function coerce(value: string, spec: ParameterSpec | undefined): unknown {
  switch (spec?.type) {
    case 'string':
      return value;
    case 'integer':
    case 'number':
      return value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : value;
    default:
      return scalar(value);
  }
}

/** A command-line value read as YAML (`3` → 3, `true` → true, `[a, b]` → a list), else as text. */
function scalar(value: string): unknown {
  try {
    const v: unknown = parseYamlScalar(value, { maxAliasCount: 0 });
    return v === null && value !== 'null' ? value : v;
  } catch {
    return value;
  }
}
