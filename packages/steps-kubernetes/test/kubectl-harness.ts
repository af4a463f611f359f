import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockClusterFromArgs, type MockClusterProcess } from '@innominatus/steps-kubernetes/testing';

/** The real kubectl, the referee of the mock cluster's HTTP mode. */
export const KUBECTL = '/usr/bin/kubectl';

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

/**
 * {@link kubectlCluster} for one test, closed when it finishes: pass the test
 * context's `onTestFinished` (a concurrent test's hooks are its context's).
 */
export async function kubectlClusterForTest(onTestFinished: (fn: () => Promise<void>) => void, args: string[] = []): Promise<KubectlCluster> {
  const k = await kubectlCluster(args);
  onTestFinished(() => k.close());
  return k;
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
