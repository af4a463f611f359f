import { Command, CommanderError } from 'commander';
import pc from 'picocolors';
import { ApiCallError, ApiClient } from '../client/api-client';
import * as commands from './commands';
import { CtlUsageError, resolveTarget } from './ctl-config';
import { versionLine } from '../version';

/** What `innominatus-ctl` reads and writes; tests pass their own. */
export interface CtlIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

/** Exit codes: 0 done; 1 the host refused the request or a resource failed (or did not settle in time); 2 usage, configuration, authentication or connection problems. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** How long `apply --wait` waits unless `--timeout` says otherwise: 10 minutes. */
const DEFAULT_TIMEOUT_MS = 600_000;

/**
 * The milliseconds of `--timeout`. Core (its duration rule) is loaded only for a command given one: the other
 * commands start without it, as core is most of what a start from the TypeScript source compiles.
 */
async function timeoutMs(value: string | undefined): Promise<number> {
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  const { parseDuration } = await import('@innominatus/core');
  try {
    return parseDuration(value);
  } catch {
    throw new CtlUsageError(`--timeout: '${value}' is not a duration like 90s, 5m or 1h`);
  }
}

/**
 * `innominatus-ctl`: the host's API from a terminal. Resolves with the exit
 * code (see {@link EXIT}); never throws.
 */
export async function runCtl(argv: string[], io: CtlIo = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  let code: number = EXIT.ok;
  const program = new Command('innominatus-ctl')
    .description('Talks to an innominatus reference host: apply Score specs, follow and inspect resources, retry, delete, draw graphs')
    .version(versionLine(), '-v, --version', 'print the version')
    .option('-s, --server <url>', 'the host (default: INNOMINATUS_SERVER, the config file, or http://127.0.0.1:8081)')
    .option('--config <file>', 'config file with server: and token: (default: INNOMINATUS_CONFIG or ~/.config/innominatus/ctl.yaml)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError();
  const live = io.stdout.isTTY === true && io.env.TERM !== 'dumb';
  const output: commands.CtlOutput = { out: io.stdout, live };
  const client = () => {
    const target = resolveTarget(program.opts<{ server?: string; config?: string }>(), io.env);
    return new ApiClient(target.server, target.token);
  };
  const action: Action =
    (fn) =>
    async (...args) => {
      code = await fn(...args);
    };

  addCommands(program, client, output, action);

  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    return report(err, io);
  }
}

/** Runs a command's function and keeps the exit code it resolves with. */
type Action = (fn: (...args: any[]) => Promise<number>) => (...args: unknown[]) => Promise<void>;

/** The commands: apply, get, describe, retry, delete and graph, each calling the host through `client()`. */
function addCommands(program: Command, client: () => ApiClient, output: commands.CtlOutput, action: Action): void {
  program
    .command('apply')
    .description('submit a Score spec')
    .requiredOption('-f, --filename <file>', 'the Score spec (YAML or JSON; - for standard input)')
    .option('-w, --wait', 'follow the changed resources until they are active (or failed)')
    .option('--timeout <duration>', 'how long --wait waits (default: 10m)')
    .action(
      action(async (opts: { filename: string; wait?: boolean; timeout?: string }) => {
        const timeout = await timeoutMs(opts.timeout);
        return commands.apply(client(), output, opts.filename, { wait: opts.wait === true, timeoutMs: timeout });
      }),
    );
  program
    .command('get')
    .description('list applications or resources')
    .argument('<what>', 'applications | resources')
    .option('-a, --application <name>', 'only the resources of this application')
    .option('-o, --output <format>', 'table or json', 'table')
    .action(action((what: string, opts: { application?: string; output: string }) => commands.get(client(), output, what, opts)));
  program
    .command('describe')
    .description('show a resource: state, why it failed, outputs (redacted), steps, history')
    .argument('<kind>', 'resource')
    .argument('<id>', 'the resource id')
    .action(
      action(async (kind: string, id: string) => {
        if (kind !== 'resource') throw new CtlUsageError(`cannot describe '${kind}': use 'describe resource <id>'`);
        return commands.describeResource(client(), output, id);
      }),
    );
  program
    .command('retry')
    .description('retry a failed resource from its failed step')
    .argument('<id>', 'the resource id')
    .action(action((id: string) => commands.retry(client(), output, id)));
  program
    .command('delete')
    .description("delete an application's resources and its spec")
    .argument('<application>')
    .option('--dry-run', 'show what would be deleted; change nothing')
    .action(action((name: string, opts: { dryRun?: boolean }) => commands.deleteApplication(client(), output, name, { dryRun: opts.dryRun === true })));
  program
    .command('graph')
    .description("print an application's resource graph")
    .argument('<application>')
    .option('--format <format>', 'mermaid, dot or json', 'mermaid')
    .action(action((name: string, opts: { format: string }) => commands.graph(client(), output, name, opts.format)));
}

function report(err: unknown, io: CtlIo): number {
  const say = (text: string) => io.stderr.write(`${pc.red(`innominatus-ctl: ${text}`)}\n`);
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (err instanceof CtlUsageError) {
    say(err.message);
    return EXIT.usage;
  }
  if (err instanceof ApiCallError) {
    say(err.message);
    for (const i of err.issues) io.stderr.write(`  ${i.field}${i.line ? ` (line ${i.line}${i.col ? `, column ${i.col}` : ''})` : ''}: ${i.message}\n`);
    return err.status === 401 || err.status === 403 ? EXIT.usage : EXIT.failed;
  }
  // fetch's own failure (its TypeError may come from another realm, so not `instanceof`).
  const cause = (err as { cause?: { code?: string; errors?: { code?: string }[] } }).cause;
  if ((err as Error).message === 'fetch failed') {
    say(`cannot reach the host: ${cause?.code ?? cause?.errors?.[0]?.code ?? (cause as Error | undefined)?.message ?? 'no answer'}`);
    return EXIT.usage;
  }
  say((err as Error).message);
  return EXIT.failed;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  void runCtl(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
