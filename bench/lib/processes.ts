/**
 * Child processes of the benchmarks that run a host against a mock cluster:
 * the cluster process (cluster-process.ts) and reference hosts started from
 * their CLI with a configuration file.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
  let next = 0;
  const ask = <T>(command: { type: 'stats' } | { type: 'faults'; on: boolean }): Promise<T> => {
    const id = ++next;
    return new Promise<T>((resolve) => {
      const onMessage = (m: { id?: number } & T) => {
        if (m.id !== id) return;
        child.off('message', onMessage);
        resolve(m);
      };
      child.on('message', onMessage);
      child.send({ ...command, id } satisfies ClusterCommand);
    });
  };
  return {
    kubeconfig,
    pid: child.pid!,
    stats: async () => (await ask<{ stats: ClusterStats }>({ type: 'stats' })).stats,
    faults: async (on) => {
      await ask({ type: 'faults', on });
    },
    stop: () => stopChild(child, () => child.disconnect()),
  };
}

/** A reference host running in a child process. */
export interface HostProcess {
  url: string;
  pid: number;
  /** Resident set size now, in MiB (from /proc). */
  rssMiB(): number;
  /** CPU time (user + system) the process has used so far, in seconds (from /proc). */
  cpuSeconds(): number;
  /** The same, of its main thread alone (the event loop: JavaScript and the collector's pauses); the rest is V8's and libuv's helper threads (concurrent marking, compilers, file system). */
  mainThreadCpuSeconds(): number;
  /** With HEAP_SNAPSHOT_DIR set: asks the host for a heap snapshot (written there) and waits until it is written; otherwise does nothing. */
  heapSnapshot(): Promise<void>;
  /** SIGKILL: no graceful stop, leases and runs left as they were. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
}

/** Starts the reference host from its CLI (this checkout's, or `HOST_ROOT`'s) with `configText` (written to `configFile`), its output appended to `logFile`, and waits for /healthz. */
export async function startHostProcess(configText: string, configFile: string, logFile: string, port: number): Promise<HostProcess> {
  writeFileSync(configFile, configText, { mode: 0o600 });
  // HOST_ROOT runs the host of another checkout (built, with its dependencies installed): an A/B against an older commit with the same clients and cluster.
  const cli = process.env.HOST_ROOT
    ? join(process.env.HOST_ROOT, 'examples/reference-host/src/cli.ts')
    : fileURLToPath(new URL('../../examples/reference-host/src/cli.ts', import.meta.url));
  // With PROFILE_DIR set, the host writes a CPU profile there when it exits.
  const profile = process.env.PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', process.env.PROFILE_DIR] : [];
  // With HEAP_SNAPSHOT_DIR set, the host writes a heap snapshot there on SIGUSR2 (see HostProcess.heapSnapshot).
  const heap = process.env.HEAP_SNAPSHOT_DIR ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${process.env.HEAP_SNAPSHOT_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, ...heap, ...tsxImport, cli, '-c', configFile, '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
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
    pid: child.pid!,
    rssMiB: () => {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      return m ? Number(m[1]) / 1024 : 0;
    },
    cpuSeconds: () => procCpuSeconds(child.pid!),
    mainThreadCpuSeconds: () => procCpuSeconds(child.pid!, child.pid!),
    heapSnapshot: () => heapSnapshot(child),
    kill: () => stopChild(child, () => child.kill('SIGKILL')),
    stop: () => stopChild(child, () => child.kill('SIGTERM')),
  };
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
