/**
 * Child processes of the benchmarks that run a host against a mock cluster:
 * the cluster process (cluster-process.ts) and reference hosts started from
 * their CLI with a configuration file.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ClusterCommand, ClusterStats } from './cluster-process';
import { procCpuSeconds } from './cpu';

const tsxImport = ['--conditions=source', '--import', 'tsx'];

/** The mock cluster's process: its kubeconfig, its statistics, faults on and off. */
export interface ClusterProcess {
  kubeconfig: string;
  pid: number;
  stats(): Promise<ClusterStats>;
  faults(on: boolean): Promise<void>;
  stop(): Promise<void>;
}

/** Starts cluster-process.ts in a child Node (with `env` added, e.g. READY_MAX_MS) and waits until it listens. */
export async function startClusterProcess(env: Record<string, string> = {}): Promise<ClusterProcess> {
  const child = fork(fileURLToPath(new URL('./cluster-process.ts', import.meta.url)), [], {
    execArgv: tsxImport,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const kubeconfig = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the mock cluster's process exited with ${code} before it listened`)));
    child.once('message', (m: { kubeconfig: string }) => resolve(m.kubeconfig));
  });
  return {
    kubeconfig,
    pid: child.pid!,
    stats: async () => (await askChild<{ stats: ClusterStats }>(child, { type: 'stats' } satisfies Ask<ClusterCommand>, 'the mock cluster')).stats,
    faults: async (on) => {
      await askChild(child, { type: 'faults', on } satisfies Ask<ClusterCommand>, 'the mock cluster');
    },
    stop: () => stopChild(child, () => child.disconnect()),
  };
}

/** A reference host running in a child process. */
export interface HostProcess {
  url: string;
  /** The Node options it was started with besides tsx's and the benchmark's probes (its bin's, then HOST_NODE_FLAGS and TRACE_GC's). */
  nodeOptions: string[];
  pid: number;
  /** Resident set size now, in MiB (from /proc). */
  rssMiB(): number;
  /** CPU time (user + system) the process has used so far, in seconds (from /proc). */
  cpuSeconds(): number;
  /** The same, of its main thread alone (the event loop: JavaScript and the collector's pauses); the rest is V8's and libuv's helper threads (concurrent marking, compilers, file system). */
  mainThreadCpuSeconds(): number;
  /** With HEAP_SNAPSHOT_DIR set: asks the host for a heap snapshot (written there) and waits until it is written; otherwise does nothing. */
  heapSnapshot(): Promise<void>;
  /** With LIVE_SET=1: the host's heap used and RSS in MiB right after a full collection it runs when asked (bench/lib/live-set-probe.ts); otherwise undefined. */
  liveSet(): Promise<{ heapUsedMiB: number; rssMiB: number } | undefined>;
  /** With ALLOC_PROFILE_DIR set: stops the host's sampling heap profiler (bench/lib/alloc-profile-probe.ts) and waits until its profile is written there; otherwise does nothing. */
  allocProfile(): Promise<void>;
  /** SIGKILL: no graceful stop, leases and runs left as they were. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
}

/** Starts the reference host from its CLI (this checkout's, or `HOST_ROOT`'s) with `configText` (written to `configFile`), its output appended to `logFile`, and waits for /healthz. */
export async function startHostProcess(configText: string, configFile: string, logFile: string, port: number): Promise<HostProcess> {
  writeFileSync(configFile, configText, { mode: 0o600 });
  // HOST_ROOT runs the host of another checkout (built, with its dependencies installed): an A/B against an older commit with the same clients and cluster.
  const hostRoot = process.env.HOST_ROOT ?? fileURLToPath(new URL('../..', import.meta.url));
  const cli = join(hostRoot, 'examples/reference-host/src/cli.ts');
  // With PROFILE_DIR set, the host writes a CPU profile there when it exits.
  const profile = process.env.PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', process.env.PROFILE_DIR] : [];
  // With HEAP_SNAPSHOT_DIR set, the host writes a heap snapshot there on SIGUSR2 (see HostProcess.heapSnapshot).
  const heap = process.env.HEAP_SNAPSHOT_DIR ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${process.env.HEAP_SNAPSHOT_DIR}`] : [];
  // With LIVE_SET=1, the host runs a full collection when asked and answers what is left (see HostProcess.liveSet).
  const liveSetProbe = process.env.LIVE_SET === '1' ? ['--expose-gc', '--import', fileURLToPath(new URL('./live-set-probe.ts', import.meta.url))] : [];
  // With ALLOC_PROFILE_DIR set, the host samples its allocations from the start (see HostProcess.allocProfile).
  const allocProbe = process.env.ALLOC_PROFILE_DIR ? ['--import', fileURLToPath(new URL('./alloc-profile-probe.ts', import.meta.url))] : [];
  const probes = [...liveSetProbe, ...allocProbe];
  const nodeOptions = [...(await binNodeOptions(hostRoot)), ...hostNodeFlags()];
  const child = spawn(process.execPath, [...nodeOptions, ...profile, ...heap, ...tsxImport, ...probes, cli, '-c', configFile, '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe', ...(probes.length ? (['ipc'] as const) : [])],
  });
  const log = createWriteStream(logFile, { flags: 'a' });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const url = `http://127.0.0.1:${port}`;
  // Generous: on a loaded machine (or under nice) a start takes minutes.
  const deadline = Date.now() + 600_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the host exited with ${child.exitCode} at start; see ${logFile}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`the host did not answer /healthz within 10 minutes; see ${logFile}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    nodeOptions,
    pid: child.pid!,
    rssMiB: () => {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      return m ? Number(m[1]) / 1024 : 0;
    },
    cpuSeconds: () => procCpuSeconds(child.pid!),
    mainThreadCpuSeconds: () => procCpuSeconds(child.pid!, child.pid!),
    heapSnapshot: () => heapSnapshot(child),
    liveSet: async () => {
      if (!liveSetProbe.length) return undefined;
      const m = await askChild<{ heapUsed: number; rss: number }>(child, { type: 'live-set' }, "the host's live-set probe");
      return { heapUsedMiB: m.heapUsed / 2 ** 20, rssMiB: m.rss / 2 ** 20 };
    },
    allocProfile: async () => {
      if (allocProbe.length) await askChild(child, { type: 'alloc-profile' }, "the host's allocation probe", 10 * 60_000);
    },
    kill: () => stopChild(child, () => child.kill('SIGKILL')),
    stop: () => stopChild(child, () => child.kill('SIGTERM')),
  };
}

/**
 * The Node options the host's bin starts it with (its `bin/host-node-options.js`,
 * in the checkout the host runs from; none for a checkout whose bin adds none),
 * so the benchmark's host runs as an operator's does.
 */
async function binNodeOptions(hostRoot: string): Promise<string[]> {
  const file = join(hostRoot, 'examples/reference-host/bin/host-node-options.js');
  if (!existsSync(file)) return [];
  const { hostNodeOptions } = (await import(pathToFileURL(file).href)) as { hostNodeOptions: (nodeOptions: string | undefined) => string[] };
  return hostNodeOptions(process.env.NODE_OPTIONS);
}

/**
 * The host's Node options besides the benchmark's own (after the bin's, so they win): with TRACE_GC=1 V8's
 * `--trace-gc-nvp` (one line per collection in the host's log, see
 * gc-trace.ts), and HOST_NODE_FLAGS (space-separated, e.g.
 * `--max-semi-space-size=32`) to try a setting.
 */
function hostNodeFlags(): string[] {
  const extra = (process.env.HOST_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  return [...(process.env.TRACE_GC === '1' ? ['--trace-gc-nvp'] : []), ...extra];
}

/** A command of a child's IPC protocol without the id that askChild adds. */
type Ask<C> = C extends unknown ? Omit<C, 'id'> : never;

let asks = 0;

/**
 * Sends `{ ...command, id }` to a child over its IPC channel and waits for the
 * answer with that id; rejects, naming `who`, if the child exits first or
 * gives no answer within `timeoutMs` (default 60 s), or if the message
 * cannot be sent (a child that exited before the ask), so a benchmark never
 * hangs on a child that died or lost the message.
 */
function askChild<T>(child: ChildProcess, command: { type: string; [key: string]: unknown }, who: string, timeoutMs = 60_000): Promise<T> {
  const id = ++asks;
  return new Promise<T>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (m: { id?: number } & T) => {
      if (m.id !== id) return;
      done();
      resolve(m);
    };
    const onExit = (code: number | null) => {
      done();
      reject(new Error(`${who} exited (code ${code}) before it answered '${command.type}'`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`${who} did not answer '${command.type}' within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
    // A child that already exited or closed its channel never emits 'exit' again: the send's error is the answer.
    child.send({ ...command, id }, (err) => {
      if (!err) return;
      done();
      reject(new Error(`${who} could not be asked '${command.type}': ${err.message}`));
    });
  });
}

/** Sends SIGUSR2 and waits until a new, complete `.heapsnapshot` file is in HEAP_SNAPSHOT_DIR (its size stops growing). */
async function heapSnapshot(child: ChildProcess): Promise<void> {
  const dir = process.env.HEAP_SNAPSHOT_DIR;
  if (!dir) return;
  const snapshots = () => readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot'));
  const before = new Set(snapshots());
  child.kill('SIGUSR2');
  let size = -1;
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    const file = snapshots().find((f) => !before.has(f));
    if (!file) continue;
    const now = statSync(join(dir, file)).size;
    if (now > 0 && now === size) return;
    size = now;
  }
}

function stopChild(child: ChildProcess, how: () => void): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    how();
  });
}
