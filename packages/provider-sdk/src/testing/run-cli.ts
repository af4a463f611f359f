import { main } from '../cli/main';

/** What {@link runCli} captured: the exit code and everything written to standard output and standard error. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the `provider-sdk` CLI in-process in `cwd` with its output captured
 * (without colour unless `color`).
 *
 * @example
 * expect(await runCli(['validate', 'providers/database-team'], repoRoot)).toEqual({ code: 0, stdout: '✔ 1 provider valid (3 workflows, 0 warnings)\n', stderr: '' });
 */
export async function runCli(args: string[], cwd: string, color = false): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    cwd,
    color,
  });
  return { code, stdout, stderr };
}
