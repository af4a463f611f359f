import { resolve } from 'node:path';
import { Argument, Command, CommanderError, Option } from 'commander';
import { CORE_VERSION, InnominatusError } from '@innominatus/core';
import { checkNodeSupport } from '@innominatus/core/internal';
import { ProviderSdkError } from '../errors';
import { SDK_VERSION } from '../version';
import { workflowSchemaWithSteps } from '../schema/editor-schema';
import { providerSchema } from '../schema/schemas';
import type { CliIo } from './cli-io';
import { docsCommand } from './docs-command';
import { initCommand } from './init-command';
import { cliSteps, stepsModuleFile } from './load-steps';
import { loadCrdFiles } from './load-crd-files';
import { rbacCommand } from './rbac-command';
import { renderCommand } from './render-command';
import { validateCommand } from './validate-command';
import { watchValidate } from './watch-validate';

/** Exit codes: 0 valid/done, 1 invalid input or failed render, 2 usage error. */
export const EXIT = { ok: 0, invalid: 1, usage: 2 } as const;

const collect = (v: string, prev: string[]) => [...prev, v];

/**
 * Runs the `provider-sdk` CLI with `argv` (without `node` and the script) and
 * returns its exit code. Never throws for user errors and never prints a stack
 * trace for them.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    checkNodeSupport('provider-sdk');
  } catch (err) {
    io.stderr(`error: ${(err as InnominatusError).describe()}\n`);
    return EXIT.invalid;
  }
  let code: number = EXIT.ok;
  const program = cliProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    return exitCodeOf(err, io);
  }
}

/** Takes a command's exit code. */
type Done = (code: number) => void;

/** The `provider-sdk` program and its commands; a command that ran gives its exit code to `done`. */
function cliProgram(io: CliIo, done: Done): Command {
  const program = new Command('provider-sdk')
    .description('Validate, render, document and scaffold innominatus providers')
    .version(`${SDK_VERSION} (@innominatus/core ${CORE_VERSION})`, '-v, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showSuggestionAfterError(true);
  addValidateCommand(program, io, done);
  addRenderCommand(program, io, done);
  addDocsCommand(program, io, done);
  addRbacCommand(program, io, done);
  addSchemaCommand(program, io);
  addInitCommand(program, io, done);
  return program;
}

/** The exit code of what a command threw, its message printed (no stack trace); an error of no known kind is thrown on. */
function exitCodeOf(err: unknown, io: CliIo): number {
  if (err instanceof CommanderError) {
    // help and version print and exit 0; everything else is a usage error (already printed).
    return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (err instanceof ProviderSdkError) {
    io.stderr(`error: ${err.message}\n`);
    return err.code === 'USAGE' || err.code === 'STEPS_MODULE_INVALID' || err.code === 'DOCS_MARKERS_MISSING' ? EXIT.usage : EXIT.invalid;
  }
  if (InnominatusError.is(err)) {
    io.stderr(`error: ${err.describe()}\n`);
    return EXIT.invalid;
  }
  throw err;
}

/** `validate <path...>`: validates provider folders, provider.yaml files or workflow files (with `--watch`, again on each change). */
function addValidateCommand(program: Command, io: CliIo, done: Done): void {
  program
    .command('validate')
    .description('validate provider folders, provider.yaml files or workflow files')
    .argument('<path...>', 'provider folders, provider.yaml files or workflow YAML files')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--steps <module>', 'load extra step types from a module (repeatable)', collect, [] as string[])
    .option('--crd <file>', 'check kubernetes-apply manifests of its kinds against this CRD YAML (repeatable)', collect, [] as string[])
    .option('--watch', 'validate again whenever a file under the paths changes, until Ctrl-C')
    .action(async (paths: string[], opts: { format: 'text' | 'json'; steps: string[]; crd: string[]; watch?: boolean }) => {
      // Read for each run: with --watch, a changed steps module or CRD file is read again.
      const options = async () => {
        const crds = await loadCrdFiles(opts.crd, io.cwd);
        const schemas = crds.schemas ? { schemas: crds.schemas } : {};
        return { format: opts.format, steps: await cliSteps(opts.steps, io.cwd), ...schemas, crdDiagnostics: crds.diagnostics };
      };
      if (!opts.watch) {
        done(await validateCommand(paths, await options(), io));
        return;
      }
      const inputs = [...opts.crd.map((f) => resolve(io.cwd, f)), ...opts.steps.flatMap((m) => stepsModuleFile(m, io.cwd) ?? [])];
      done(await watchValidate(paths, async () => validateCommand(paths, await options(), io), io, inputs));
    });
}

/** `render <provider-dir>`: dry-runs a workflow, printing each step's rendered input as YAML. */
function addRenderCommand(program: Command, io: CliIo, done: Done): void {
  program
    .command('render')
    .description("dry-run a workflow: print each step's rendered input as YAML")
    .argument('<provider-dir>', 'the provider folder')
    .option('--workflow <name>', 'the workflow to render')
    .option('--param <key=value>', 'a workflow parameter (repeatable)', collect, [] as string[])
    .option('--params-file <file>', 'workflow parameters from a YAML file')
    .addOption(new Option('--operation <op>', 'render what the orchestrator would run for a resource request').choices(['create', 'update', 'delete']))
    .option('--type <type>', 'resource type of the request')
    .option('--resource-name <name>', 'resource name of the request')
    .option('--application <app>', 'application of the request')
    .option('--property <key=value>', 'a resource property of the request (repeatable)', collect, [] as string[])
    .option('--steps <module>', 'load extra step types from a module (repeatable)', collect, [] as string[])
    .action(async (dir: string, opts: Record<string, unknown> & { steps: string[]; param: string[]; property: string[] }) => {
      done(
        await renderCommand(
          dir,
          {
            steps: await cliSteps(opts.steps, io.cwd),
            param: opts.param,
            property: opts.property,
            ...pick(opts, ['workflow', 'paramsFile', 'operation', 'type', 'resourceName', 'application']),
          },
          io,
        ),
      );
    });
}

/** `docs <provider-dir>`: the provider's reference in Markdown (or kept in a file's marked section). */
function addDocsCommand(program: Command, io: CliIo, done: Done): void {
  program
    .command('docs')
    .description("the provider's reference in Markdown: resource types, operations, each workflow's parameters, outputs and steps")
    .argument('<provider-dir>', 'the provider folder')
    .option('--heading-level <n>', 'the Markdown heading level of its top sections (2-5)', '2')
    .option('--into <file>', "write it between the file's <!-- BEGIN provider-sdk docs --> and <!-- END provider-sdk docs --> lines")
    .option('--check', 'with --into: exit 1 when that section is out of date, writing nothing')
    .option('--steps <module>', 'load extra step types from a module (repeatable)', collect, [] as string[])
    .action(async (dir: string, opts: { headingLevel: string; into?: string; check?: boolean; steps: string[] }) => {
      done(await docsCommand(dir, { steps: await cliSteps(opts.steps, io.cwd), headingLevel: opts.headingLevel, ...generated(opts) }, io));
    });
}

/** `rbac <provider-dir>`: the least-privilege ClusterRole the provider's steps need, as YAML. */
function addRbacCommand(program: Command, io: CliIo, done: Done): void {
  program
    .command('rbac')
    .description("the least-privilege ClusterRole the provider's steps need, as YAML for kubectl apply -f -")
    .argument('<provider-dir>', 'the provider folder')
    .option('--name <name>', 'the ClusterRole name (default: innominatus-<provider>)')
    .option('--service-account <namespace/name>', 'also bind the role to this service account')
    .option('--plural <Kind.group=plural>', "a kind's resource name where the guess (lower case + s) is wrong (repeatable)", collect, [] as string[])
    .option('--crd <file>', "take the resource names of this CRD YAML's kinds from its spec.names.plural (repeatable)", collect, [] as string[])
    .option('--into <file>', "write it between the file's <!-- BEGIN provider-sdk rbac --> and <!-- END provider-sdk rbac --> lines")
    .option('--check', 'with --into: exit 1 when that section is out of date, writing nothing')
    .option('--steps <module>', 'load extra step types from a module (repeatable)', collect, [] as string[])
    .action(
      async (
        dir: string,
        opts: { name?: string; serviceAccount?: string; plural: string[]; crd: string[]; into?: string; check?: boolean; steps: string[] },
      ) => {
        done(
          await rbacCommand(
            dir,
            { steps: await cliSteps(opts.steps, io.cwd), plural: opts.plural, crd: opts.crd, ...pick(opts, ['name', 'serviceAccount']), ...generated(opts) },
            io,
          ),
        );
      },
    );
}

/** `schema provider|workflow`: prints the JSON Schema of provider.yaml or of a workflow file. */
function addSchemaCommand(program: Command, io: CliIo): void {
  program
    .command('schema')
    .description("print the JSON Schema of provider.yaml or of a workflow file (for editors: a workflow's with: typed by each step type's input)")
    .addArgument(new Argument('<kind>', 'provider or workflow').choices(['provider', 'workflow']))
    .option('--steps <module>', 'workflow: also the step types of a module (repeatable)', collect, [] as string[])
    .action(async (kind: 'provider' | 'workflow', opts: { steps: string[] }) => {
      if (kind === 'provider' && opts.steps.length) throw new ProviderSdkError('USAGE', '--steps applies to the workflow schema only');
      const schema = kind === 'provider' ? providerSchema : workflowSchemaWithSteps(await cliSteps(opts.steps, io.cwd));
      io.stdout(`${JSON.stringify(schema, null, 2)}\n`);
    });
}

/** `init <dir>`: scaffolds a new provider that validates. */
function addInitCommand(program: Command, io: CliIo, done: Done): void {
  program
    .command('init')
    .description('scaffold a new provider that validates')
    .argument('<dir>', 'a new or empty folder')
    .option('--name <name>', 'provider name (default: the folder name)')
    .option('--type <type>', 'the resource type it serves', 'example')
    .action(async (dir: string, opts: { name?: string; type?: string }) => {
      done(await initCommand(dir, opts, io));
    });
}

function generated(opts: { into?: string; check?: boolean }): { into?: string; check?: boolean } {
  return { ...(opts.into ? { into: opts.into } : {}), ...(opts.check ? { check: true } : {}) };
}

function pick(o: Record<string, unknown>, keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.filter((k) => typeof o[k] === 'string').map((k) => [k, o[k] as string]));
}
