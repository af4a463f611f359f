import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startMockClusterFromArgs, type MockClusterProcess } from '@innominatus/steps-kubernetes/testing';
import { it } from 'vitest';
import { versionInfo } from '../src/testing/discovery';

/** The real kubectl, the referee of the mock cluster's HTTP mode, as installed. */
const INSTALLED_KUBECTL = '/usr/bin/kubectl';

/**
 * The kubectl binary the tests run. Where {@link INSTALLED_KUBECTL} is the Google Cloud SDK's kubectl dispatcher, it
 * only asks the server its version and executes `kubectl.<major>.<minor>` from its own folder, with the same
 * arguments and environment: that versioned kubectl, for the mock cluster's version, is run directly, without the
 * dispatcher's own start (about half of each run's CPU). Otherwise the installed kubectl itself.
 */
export const KUBECTL = versionedKubectl(INSTALLED_KUBECTL);

function versionedKubectl(installed: string): string {
  if (!existsSync(installed)) return installed;
  const { major, minor } = versionInfo() as { major: string; minor: string };
  const versioned = join(dirname(realpathSync(installed)), `kubectl.${major}.${minor}`);
  return existsSync(versioned) ? versioned : installed;
}

/** What one kubectl run printed. */
export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A `mock-cluster` (as the bin starts it) with a kubeconfig file, and kubectl run against it with default flags. */
export interface KubectlCluster {
  running: MockClusterProcess;
  dir: string;
  kubectl(args: string[], input?: string): Promise<KubectlResult>;
  /** Writes a manifest file in the temporary folder and returns its path. */
  file(name: string, content: unknown): string;
  close(): Promise<void>;
}

/** The fixture of {@link kubectlIt}. */
export interface KubectlFixtures {
  /**
   * Starts a {@link kubectlCluster} for this test from bin arguments
   * (`--namespace apps` when none are given) and closes it when the test
   * finishes (with the test's own `onTestFinished`, so concurrent tests each
   * close their own).
   */
  startCluster(args?: string[]): Promise<KubectlCluster>;
}

/** `it` with the {@link KubectlFixtures}: for the kubectl files, whose tests run concurrently, each on its own mock cluster. */
export const kubectlIt = it.extend<KubectlFixtures>({
  startCluster: async ({ onTestFinished }, use) => {
    await use(async (args = ['--namespace', 'apps']) => {
      const k = await kubectlCluster(args);
      onTestFinished(() => k.close());
      return k;
    });
  },
});

/** The rows of a table kubectl printed (`get` without `-o`), each split into its columns at runs of white space; the header is the first. */
export function tableRows(out: string): string[][] {
  return out
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/));
}

/** Starts a mock cluster from bin arguments (a kubeconfig is written for it) and a kubectl runner. */
export async function kubectlCluster(args: string[] = []): Promise<KubectlCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'kubectl-'));
  const kubeconfig = join(dir, 'config');
  const running = await startMockClusterFromArgs(['--kubeconfig', kubeconfig, ...args]);
  const kubectl = (argv: string[], input?: string) =>
    new Promise<KubectlResult>((resolve) => {
      const child = execFile(
        KUBECTL,
        argv,
        { env: { PATH: process.env.PATH ?? '', HOME: dir, KUBECONFIG: kubeconfig }, cwd: dir, timeout: 20_000 },
        (err, stdout, stderr) => {
          resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
        },
      );
      if (input !== undefined) child.stdin!.end(input);
    });
  return {
    running,
    dir,
    kubectl,
    file: (name, content) => {
      const path = join(dir, name);
      writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
      return path;
    },
    close: async () => {
      await running.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
