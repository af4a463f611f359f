import { spawn } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';
import { ROOT } from './repo-root';

/** A run of `scripts/demo.sh` (the README's `npm run demo` after setup), its output kept as a terminal shows it, without colours. */
export interface DemoRun {
  /** What it printed so far, stdout and stderr in the order they came. */
  out(): string;
  /** Resolves once it has printed `text`; rejects, with the output, when it ends first. */
  printed(text: string): Promise<void>;
  /** Resolves with its exit code once it has ended and its output is read to the end. */
  exited: Promise<number | null>;
  /** Sends it a signal, as Ctrl-C (`SIGINT`) does. */
  kill(signal: NodeJS.Signals): void;
}

/** Starts `bash scripts/demo.sh ...args` in the repository, as CI runs it (`CI=1`). */
export function startDemo(args: string[]): DemoRun {
  const child = spawn('bash', ['scripts/demo.sh', ...args], { cwd: ROOT, env: { ...process.env, CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer) => (out += stripVTControlCharacters(d.toString()));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let closed = false;
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code) => {
      closed = true;
      resolve(code);
    }),
  );
  return {
    out: () => out,
    printed: (text) =>
      new Promise((resolve, reject) => {
        // Listeners added after `keep`: each sees the output with its chunk in it.
        const check = (): boolean => {
          if (!out.includes(text)) return false;
          done(resolve);
          return true;
        };
        const ended = () => done(() => reject(new Error(`the demo ended before it printed '${text}':\n${out}`)));
        const done = (settle: () => void) => {
          child.stdout.off('data', check);
          child.stderr.off('data', check);
          child.off('close', ended);
          settle();
        };
        child.stdout.on('data', check);
        child.stderr.on('data', check);
        child.once('close', ended);
        // Asked after the demo ended: its 'close' is past, so the output it left is the answer.
        if (!check() && closed) ended();
      }),
    exited,
    kill: (signal) => child.kill(signal),
  };
}
