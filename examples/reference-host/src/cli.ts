import { Command, InvalidArgumentError, Option } from 'commander';
import pc from 'picocolors';
import { loadConfig, type LoadConfigOptions } from './config/load-config';
import { HostError } from './errors';
import type { Host } from './host/create-host';
import { SIMULATION_PACE_NAMES, SIMULATION_PACES, type SimulationPace } from './host/simulation-pace';
import { versionLine } from './version';

interface CliOptions {
  config?: string;
  simulate?: boolean;
  port?: number;
  host?: string;
  store?: string;
  logLevel?: string;
  pace: SimulationPace;
}

function port(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError(`'${value}' is not a port number (0-65535)`);
  return Number(value);
}

/** Writes a line for the person at the terminal (logs go to stdout as JSON). */
function say(text: string): void {
  process.stderr.write(`${text}\n`);
}

/**
 * `innominatus-host`: reads the configuration, starts the host, and stops it
 * gracefully on SIGTERM or SIGINT (a second signal exits at once).
 */
export async function main(argv: string[] = process.argv): Promise<void> {
  const { opts, overrides } = parseArguments(argv);
  let host: Host;
  try {
    const config = loadConfig({ ...(opts.config ? { file: opts.config } : {}), overrides });
    // Loaded only now: --version, --help, a bad flag or a bad configuration need none of the host.
    const { createHost } = await import('./host/create-host');
    host = await createHost({ config, simulation: SIMULATION_PACES[opts.pace] });
  } catch (err) {
    say(pc.red(`innominatus-host: ${err instanceof HostError ? err.message : `cannot start: ${(err as Error).message}`}`));
    process.exitCode = 2;
    return;
  }
  tellStart(host);
  let url: string;
  try {
    url = await host.listen();
  } catch (err) {
    say(pc.red(`innominatus-host: cannot listen: ${(err as Error).message}`));
    await host.close({ graceMs: 0 });
    process.exitCode = 2;
    return;
  }
  stopOnSignals(host);
  // Only now say it listens: a supervisor that signals on this line must find the handlers installed.
  say(`innominatus-host listening on ${url}`);
}

/** The command line: its options, and the configuration fields they set. */
function parseArguments(argv: string[]): { opts: CliOptions; overrides: NonNullable<LoadConfigOptions['overrides']> } {
  const program = new Command('innominatus-host')
    .description('Serves Score specs and provisions their resources through innominatus providers')
    .version(versionLine(), '-v, --version', 'print the version')
    .option('-c, --config <file>', 'configuration file (YAML); see config.example.yaml')
    .option('--simulate', 'serve a simulated cluster (mock API server + Zalando operator simulator) on 127.0.0.1 instead of a real one')
    .option('-p, --port <n>', 'port to listen on (0 picks a free one)', port)
    .option('--host <address>', 'address to listen on')
    .option('--store <url>', 'sqlite:<file>, postgres://... or memory')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent')
    .addOption(
      new Option('--pace <pace>', 'how fast the simulated postgres-operator acts: in seconds a person can follow, or at once')
        .choices(SIMULATION_PACE_NAMES)
        .default('human'),
    )
    .showHelpAfterError();
  program.parse(argv);
  const opts = program.opts<CliOptions>();
  const overrides: NonNullable<LoadConfigOptions['overrides']> = {};
  if (opts.port !== undefined) overrides['server.port'] = opts.port;
  if (opts.host !== undefined) overrides['server.host'] = opts.host;
  if (opts.store !== undefined) overrides['store.url'] = opts.store;
  if (opts.simulate) overrides['kubernetes.mode'] = 'simulate';
  if (opts.logLevel !== undefined) overrides['logging.level'] = opts.logLevel;
  return { opts, overrides };
}

/** Tells the operator what started: the simulation warning, then the host's notices. */
function tellStart(host: Host): void {
  if (host.simulation) {
    say(
      pc.yellow(
        pc.bold(
          `SIMULATION: Kubernetes is a mock API server at ${host.simulation.server.url} with simulated Zalando postgres-operator and OpsTree redis-operator.`,
        ),
      ),
    );
    say(pc.yellow('            Nothing real is provisioned. Without --simulate the host uses your kubeconfig.'));
  }
  for (const n of host.notices) say(pc.dim(n));
}

/** SIGTERM or SIGINT stops the host gracefully (up to 10 s for running steps); a second signal exits at once. */
function stopOnSignals(host: Host): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      say(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    say(`${signal}: stopping (finishing running steps, up to 10 s)`);
    host.close({ graceMs: 10_000 }).then(
      () => process.exit(0),
      (err: Error) => {
        say(pc.red(`error while stopping: ${err.message}`));
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) void main();
