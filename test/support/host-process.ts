import { spawn, type ChildProcess } from 'node:child_process';
import { hostBundle } from './host-bundle';
import { ROOT } from './repo-root';

/** Hosts started by this test file and still running. */
const running = new Set<ChildProcess>();

/**
 * Kills every host still running: one that never listened (its test failed at its own timeout) must not outlive
 * the file's tests, and vitest ends its workers with a signal, which runs no `exit` handler. The host files' setup
 * file calls it after each file.
 */
export function killHosts(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** The host as a child process (for SIGKILL), with its output kept. */
export interface HostProcess {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  /** Sends a signal and resolves with the exit code (or the signal). */
  stop(signal: NodeJS.Signals): Promise<number | NodeJS.Signals | null>;
}

/**
 * Starts `innominatus-host --config <file> [...args]` (the {@link hostBundle}) and waits until it listens, however long
 * a loaded machine takes (no start-up window of its own: the calling test's timeout bounds the wait).
 */
export async function spawnHost(configFile: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<HostProcess> {
  const child = spawn(process.execPath, [await hostBundle(), '--config', configFile, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  running.add(child);
  void exited.then(() => running.delete(child));
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(stderr);
      if (m) {
        resolve({
          child,
          url: m[1]!,
          stdout: () => stdout,
          stderr: () => stderr,
          stop: (signal) => {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            return exited;
          },
        });
      }
    });
    void exited.then((code) => reject(new Error(`host exited (${String(code)}) before listening:\n${stderr}`)));
  });
}
