/** Where the CLI writes and what it knows about its terminal (injectable for tests). */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Paths are resolved against this folder. */
  cwd: string;
  /** Colour output (only when writing to a terminal). */
  color: boolean;
  /** Ends a long-running command (`validate --watch`); the process aborts it on SIGINT and SIGTERM. */
  signal?: AbortSignal;
  /** Watches a file or folder (default: `fs.watch`); tests inject their own. */
  watch?: WatchFiles;
}

/** Calls `onChange` with the changed file's name (relative to `path`, when known) until closed. */
export type WatchFiles = (path: string, options: { recursive: boolean }, onChange: (filename: string | null) => void) => { close(): void };

/** The real process streams; colour only on a TTY without NO_COLOR; SIGINT and SIGTERM end a --watch. */
export function processIo(): CliIo {
  let stop: AbortController | undefined;
  return {
    // Made on first use (by --watch only), so that other commands keep Node's own Ctrl-C.
    get signal() {
      if (!stop) {
        const controller = new AbortController();
        stop = controller;
        process.once('SIGINT', () => controller.abort());
        process.once('SIGTERM', () => controller.abort());
      }
      return stop.signal;
    },
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  };
}
