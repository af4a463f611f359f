import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { MockCluster, MockObject } from '@innominatus/steps-kubernetes/testing';

/** How long after a change the simulated cluster is written out (changes come in bursts). */
const WRITE_DELAY_MS = 50;

/** Kinds restored first: what other objects live in, and what controllers keep when it exists. */
const FIRST = ['Namespace', 'Secret', 'Service'];

/** Keeps a simulated cluster in a file: restored on start, written after changes. */
export interface SimulationState {
  /** Objects restored from the file at start. */
  readonly restored: number;
  /** Writes pending changes now and stops watching the cluster. */
  close(): void;
}

/**
 * Restores the objects saved in `file` into `cluster` (so controllers
 * attached to it see them as added and take them up again; their status is
 * theirs to write), then writes every object back to `file` shortly after
 * each change (atomically: a temporary file renamed over it). Objects being
 * deleted are not restored.
 */
export function keepSimulationState(cluster: MockCluster, file: string): SimulationState {
  const restored = restore(cluster, file);
  let timer: NodeJS.Timeout | undefined;
  const write = () => {
    timer = undefined;
    const objects = cluster.store.kinds().flatMap((k) => cluster.list(k.apiVersion, k.kind));
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ objects }), { mode: 0o600 });
    renameSync(tmp, file);
  };
  const onChange = () => {
    timer ??= setTimeout(write, WRITE_DELAY_MS);
  };
  cluster.events.on('change', onChange);
  return {
    restored,
    close() {
      cluster.events.off('change', onChange);
      if (timer) {
        clearTimeout(timer);
        write();
      }
    },
  };
}

function restore(cluster: MockCluster, file: string): number {
  let saved: { objects?: MockObject[] };
  try {
    saved = JSON.parse(readFileSync(file, 'utf8')) as { objects?: MockObject[] };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw new Error(`cannot read the simulated cluster's state in ${file}: ${(err as Error).message}`);
  }
  const rank = (o: MockObject) => {
    const i = FIRST.indexOf(o.kind);
    return i < 0 ? FIRST.length : i;
  };
  const objects = (saved.objects ?? []).filter((o) => !o.metadata?.deletionTimestamp).sort((a, b) => rank(a) - rank(b));
  for (const o of objects) {
    const { status: _status, ...object } = o;
    cluster.apply(object as MockObject);
  }
  return objects.length;
}
