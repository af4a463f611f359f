import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createHost, loadConfig, type Host } from '@innominatus/reference-host';
import type { ZalandoOperatorOptions } from '@innominatus/steps-kubernetes/testing';
import { configText } from './host-api';

export * from './host-api';

/** A host running in this process on a temporary SQLite file with the simulated cluster, every log line captured. */
export interface E2eHost {
  host: Host;
  url: string;
  logs: string[];
  dir: string;
  close(): Promise<void>;
}

/** Starts an in-process host (port 0, temporary SQLite, `simulate`); `dir` holds the store (`host.db`) when given, e.g. one written beforehand. */
export async function startHost(options: { simulation?: ZalandoOperatorOptions; bodyLimit?: string; dir?: string } = {}): Promise<E2eHost> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'innominatus-e2e-'));
  const logs: string[] = [];
  const config = loadConfig({
    text: configText({ store: `sqlite:${join(dir, 'host.db')}`, ...(options.bodyLimit ? { bodyLimit: options.bodyLimit } : {}) }),
    env: {},
  });
  const host = await createHost({
    config,
    simulation: { pickupDelayMs: 20, createDelayMs: 150, updateDelayMs: 100, ...options.simulation },
    logDestination: new Writable({
      write(chunk, _e, cb) {
        logs.push(chunk.toString());
        cb();
      },
    }),
  });
  const url = await host.listen();
  return {
    host,
    url,
    logs,
    dir,
    async close() {
      await host.close({ graceMs: 1000 });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
