import { main } from '../../src/cli/main';

/** Runs the CLI in-process with captured output. */
export async function runCli(args: string[], cwd: string, color = false): Promise<{ code: number; stdout: string; stderr: string }> {
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

/** The test steps module, for `--steps`. */
export const TEST_STEPS = new URL('./test-steps.ts', import.meta.url).pathname;
