import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, stripVTControlCharacters } from 'node:util';
import pc from 'picocolors';
import { ApiClient } from '../client/api-client';
import { ProgressDisplay } from '../client/progress-display';
import { isSimulationPace, SIMULATION_PACE_NAMES } from '../host/simulation-pace';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const SPEC_FILE = join(ROOT, 'examples/score-postgres-app.yaml');
const CLI = join(ROOT, 'examples/reference-host/src/cli.ts');
const START_TIMEOUT_MS = 30_000;
const PROVISION_TIMEOUT_MS = 45_000;

interface ProviderInfo {
  name: string;
  status: string;
  resourceTypes?: string[];
  diagnostics: { file?: string; line?: number; col?: number; message: string; code?: string }[];
}

interface Resource {
  id: string;
  name: string;
  type: string;
  state: string;
  outputs: Record<string, unknown>;
  error?: { code: string; message: string };
}

// Not strict: other arguments are ignored, as they always were.
const { values: flags } = parseArgs({ options: { serve: { type: 'boolean' }, pace: { type: 'string' } }, strict: false });
/** `--serve`: keep the host up after the demo, for the web UI, until Ctrl-C. */
const SERVE = flags.serve === true;
/** `--pace <pace>`: passed on to the host (`innominatus-host --pace`), e.g. `instant` for a run nobody watches. */
const PACE = paceArguments(flags.pace);

/**
 * The host's arguments for the demo's `--pace`. Another value than a pace's
 * name stops the demo with a usage message (exit code 1) before it starts
 * anything, rather than the host's usage of its own options after it.
 */
function paceArguments(pace: string | boolean | undefined): string[] {
  if (pace === undefined) return [];
  if (isSimulationPace(pace)) return ['--pace', pace];
  process.stderr.write(`demo: --pace must be one of ${SIMULATION_PACE_NAMES.join(', ')} (got ${typeof pace === 'string' ? `'${pace}'` : 'no value'})\n`);
  process.exit(1);
}

const heading = (text: string) => process.stdout.write(`\n${pc.bold(pc.underline(text))}\n`);

/** Starts the host as a child process and resolves with its URL once it listens; its JSON logs (stdout) are not kept. */
function startHost(configFile: string, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CLI, '--config', configFile, '--simulate', '--port', '0', ...PACE], {
    // With --serve, Ctrl-C reaches the demo only (its own process group), which then stops the host once.
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: SERVE,
  });
  return new Promise((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`the host did not start within ${START_TIMEOUT_MS / 1000} s:\n${stderr}`)), START_TIMEOUT_MS);
    child.stderr!.on('data', (d: Buffer) => {
      const text = d.toString();
      stderr += text;
      for (const line of stripVTControlCharacters(text).split('\n')) {
        if (line.startsWith('SIMULATION') || line.startsWith('            ')) process.stdout.write(`${pc.yellow(line)}\n`);
      }
      const m = /listening on (http:\/\/\S+)/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]! });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the host exited with code ${code} before listening:\n${stderr}`));
    });
  });
}

/** Stops the host with SIGTERM (its graceful shutdown), then SIGKILL after 15 s. */
async function stopHost(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

/** Says where the web UI is and how to sign in; on a terminal, waits for Enter before the spec is submitted. */
async function introduceUi(url: string, adminToken: string): Promise<void> {
  heading('The web UI');
  process.stdout.write(`  open ${pc.bold(`${url}/`)} and sign in with the admin token ${pc.bold(adminToken)}\n`);
  if (!process.stdin.isTTY) return;
  process.stdout.write(pc.dim('  press Enter here to submit the spec, then follow it in the browser\n'));
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  process.stdin.pause();
}

/** Keeps the host up until SIGINT or SIGTERM. */
async function serveUntilStopped(url: string, adminToken: string, userToken: string): Promise<void> {
  heading('The host keeps running');
  process.stdout.write(`  web UI   ${pc.bold(`${url}/`)}\n  admin    ${adminToken}\n  user     ${userToken}\n`);
  process.stdout.write(pc.dim('  press Ctrl-C to stop it\n'));
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

async function demo(): Promise<void> {
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'innominatus-demo-'));
  const adminToken = randomBytes(24).toString('hex');
  const userToken = randomBytes(24).toString('hex');
  const configFile = writeConfig(dir);
  let child: ChildProcess | undefined;
  const events = new AbortController();
  try {
    process.stdout.write(`${pc.bold('innominatus demo')}: a Score spec in, a PostgreSQL database out\n`);
    process.stdout.write(pc.dim(`starting the reference host (SQLite in ${dir}) ...\n`));
    const host = await startHost(configFile, { ...process.env, DEMO_ADMIN_TOKEN: adminToken, DEMO_USER_TOKEN: userToken, INNOMINATUS_LOG_LEVEL: 'info' });
    child = host.child;
    process.stdout.write(pc.dim(`host listening on ${host.url}\n`));
    const api = new ApiClient(host.url, userToken);
    if (SERVE) await introduceUi(host.url, adminToken);

    await checkProviders(api);

    const specText = readFileSync(SPEC_FILE, 'utf8');
    heading(`Submitting ${SPEC_FILE.slice(ROOT.length)}`);
    const names = await submitAndFollow(api, specText, events.signal);
    const resources = await Promise.all([...names.keys()].map((id) => api.call<Resource>('GET', `/api/resources/${id}`)));
    const failed = resources.filter((r) => r.state !== 'active');
    if (failed.length)
      throw new Error(failed.map((r) => `resource ${r.name} is ${r.state}${r.error ? `: ${r.error.code}: ${r.error.message}` : ''}`).join('\n'));

    printOutputs(resources);

    await printResolved(api);

    events.abort();
    if (SERVE) await serveUntilStopped(host.url, adminToken, userToken);
    const code = await stopHost(child);
    child = undefined;
    if (code !== 0) throw new Error(`the host exited with code ${code} on SIGTERM`);
    process.stdout.write(`\n${pc.green('✓')} demo finished in ${((performance.now() - started) / 1000).toFixed(1)} s; the host stopped cleanly.\n`);
  } finally {
    events.abort();
    if (child) await stopHost(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes the demo host's configuration into `dir` (SQLite there, a simulated cluster, two tokens from the environment, the database-team provider) and returns its path. */
function writeConfig(dir: string): string {
  const configFile = join(dir, 'config.yaml');
  writeFileSync(
    configFile,
    [
      `store: { url: "sqlite:${join(dir, 'demo.db')}" }`,
      'kubernetes: { mode: simulate }',
      'auth:',
      '  tokens:',
      '    - { name: demo-admin, role: admin, tokenEnv: DEMO_ADMIN_TOKEN }',
      '    - { name: demo-user, role: user, tokenEnv: DEMO_USER_TOKEN }',
      'providers:',
      `  - { name: database-team, type: filesystem, path: "${join(ROOT, 'providers/database-team')}" }`,
      'logging: { level: info }',
      '',
    ].join('\n'),
  );
  return configFile;
}

/** Lists the host's providers; one that is not registered fails the demo with its diagnostics. */
async function checkProviders(api: ApiClient): Promise<void> {
  const providers = await api.call<{ providers: ProviderInfo[] }>('GET', '/api/providers');
  for (const p of providers.providers) {
    if (p.status !== 'registered') {
      const lines = p.diagnostics.map((d) => `  ${d.file ? `${d.file}:${d.line}:${d.col}: ` : ''}${d.message}${d.code ? ` [${d.code}]` : ''}`);
      throw new Error(`provider ${p.name} is ${p.status}, so nothing can be provisioned:\n${lines.join('\n')}`);
    }
    process.stdout.write(pc.dim(`provider ${p.name}: ${p.status} (${(p.resourceTypes ?? []).join(', ')})\n`));
  }
}

/**
 * Follows my-app's resources on the event stream, submits the spec and waits
 * until every resource it changed is active or failed (asking the API every
 * 2 s too, in case they settled before the stream named them). Returns the
 * resources by id.
 */
async function submitAndFollow(api: ApiClient, specText: string, signal: AbortSignal): Promise<Map<string, { name: string; type: string }>> {
  const display = new ProgressDisplay();
  const names = new Map<string, { name: string; type: string }>();
  const states = new Map<string, string>();
  let settle: (() => void) | undefined;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  const check = () => {
    if (names.size > 0 && [...names.keys()].every((id) => ['active', 'failed'].includes(states.get(id) ?? ''))) settle!();
  };
  await api.events(
    '?application=my-app',
    (kind, e) => {
      const id = String(e.resourceId);
      if (kind === 'resource') {
        names.set(id, { name: String(e.name), type: String(e.type) });
        states.set(id, String(e.to));
        display.state(id, String(e.name), String(e.type), String(e.to));
        check();
      } else if (kind === 'step') {
        const n = names.get(id) ?? { name: String(e.resource ?? id), type: '' };
        display.step(id, n.name, n.type, String(e.step), String(e.status), e.message === undefined ? undefined : String(e.message));
      }
    },
    signal,
  );

  const result = await api.call<{ changes: { action: string; id: string; name: string; type: string; state: string }[] }>('POST', '/api/specs', {
    text: specText,
    contentType: 'application/yaml',
  });
  for (const c of result.changes) {
    if (!names.has(c.id)) {
      names.set(c.id, { name: c.name, type: c.type });
      if (!states.has(c.id)) {
        states.set(c.id, c.state);
        display.state(c.id, c.name, c.type, c.state);
      }
    }
  }
  if (result.changes.length === 0) throw new Error('the spec asked for no resources');
  await untilSettled(api, { names, states, display, check, settled });
  return names;
}

/** What `submitAndFollow` knows of the resources: their names, last states, the display, the check whether all have settled, and when they have. */
interface Followed {
  names: Map<string, { name: string; type: string }>;
  states: Map<string, string>;
  display: ProgressDisplay;
  check: () => void;
  settled: Promise<void>;
}

/** Waits until `settled` (asking the API every 2 s too) or fails after the provisioning timeout; then ends the display. */
async function untilSettled(api: ApiClient, { names, states, display, check, settled }: Followed): Promise<void> {
  // The resources may have settled before the event stream named them: ask the API too.
  const poll = setInterval(() => {
    void Promise.all([...names.keys()].map((id) => api.call<Resource>('GET', `/api/resources/${id}`))).then(
      (rs) => {
        for (const r of rs) {
          if (states.get(r.id) !== r.state && ['active', 'failed'].includes(r.state)) {
            states.set(r.id, r.state);
            display.state(r.id, r.name, r.type, r.state);
          }
        }
        check();
      },
      () => undefined,
    );
  }, 2000);
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`resources not active after ${PROVISION_TIMEOUT_MS / 1000} s`)), PROVISION_TIMEOUT_MS).unref(),
  );
  try {
    await Promise.race([settled, timeout]);
  } finally {
    clearInterval(poll);
    display.finish();
  }
}

/** Prints each resource's outputs; a password output that is not redacted fails the demo. */
function printOutputs(resources: Resource[]): void {
  for (const r of resources) {
    heading(`Outputs of ${r.name} (${r.type}, ${r.id})`);
    const width = Math.max(...Object.keys(r.outputs).map((k) => k.length));
    for (const [k, v] of Object.entries(r.outputs))
      process.stdout.write(`  ${k.padEnd(width)}  ${v === '***' ? pc.yellow('*** (sensitive, redacted)') : String(v)}\n`);
    if (r.outputs.password !== undefined && r.outputs.password !== '***') throw new Error('the password output was not redacted');
  }
}

/** Prints the resolved workload of my-app, its secret:// references as they are. */
async function printResolved(api: ApiClient): Promise<void> {
  heading('Resolved workload (GET /api/specs/my-app/resolved)');
  const resolved = await api.call<{ containers: Record<string, { image: string; env?: Record<string, string>; variables?: Record<string, string> }> }>(
    'GET',
    '/api/specs/my-app/resolved',
  );
  for (const [name, c] of Object.entries(resolved.containers)) {
    process.stdout.write(`  container ${pc.bold(name)} (${c.image})\n`);
    for (const [k, v] of Object.entries({ ...c.variables, ...c.env })) process.stdout.write(`    ${k}=${v.startsWith('secret://') ? pc.yellow(v) : v}\n`);
  }
  process.stdout.write(pc.dim('  secret:// references name a sensitive output; an admin can ask for ?reveal=true.\n'));
}

demo().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`\n${pc.red(pc.bold('demo failed:'))} ${err.message}\n`);
    process.exit(1);
  },
);
