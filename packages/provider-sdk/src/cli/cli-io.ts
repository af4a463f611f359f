/** Where the CLI writes and what it knows about its terminal (injectable for tests). */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Paths are resolved against this folder. */
  cwd: string;
  /** Colour output (only when writing to a terminal). */
  color: boolean;
}

/** The real process streams; colour only on a TTY without NO_COLOR. */
export function processIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  };
}
