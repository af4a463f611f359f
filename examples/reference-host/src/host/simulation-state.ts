import { closeSync, fdatasyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { MockCluster, MockObject, StoreEvent } from '@innominatus/steps-kubernetes/testing';
import { HostError } from '../errors';

/** How long changes are gathered before they are appended to the journal (changes come in bursts). */
const WRITE_DELAY_MS = 100;

/** The journal is folded into the snapshot once it is this large and larger than the snapshot (so compaction costs stay proportional to the changes). */
const COMPACT_MIN_BYTES = 4 * 2 ** 20;

/** Kinds restored first: what other objects live in, and what controllers keep when it exists. */
const FIRST = ['Namespace', 'Secret', 'Service'];

/** Keeps a simulated cluster in files: restored on start, changes appended shortly after they happen. */
export interface SimulationState {
  /** Objects restored from the files at start. */
  readonly restored: number;
  /** Writes pending changes now (to disk, synced) and stops watching the cluster. */
  close(): void;
}

/** One line of the journal: an object as it is now, or the key of one deleted. */
type JournalLine = { put: MockObject } | { del: ObjectKey };

interface ObjectKey {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/**
 * Restores the objects saved for `file` into `cluster` (so controllers
 * attached to it see them as added and take them up again; their status is
 * theirs to write), then keeps the cluster's changes: `file` holds a
 * snapshot of every object and `file.journal` the changes since, one JSON
 * line per changed object. Changes are gathered for {@link WRITE_DELAY_MS}
 * and appended together (the last state of each object once), so a write
 * costs what changed, not the whole cluster; the journal is folded into a
 * new snapshot (written to a temporary file renamed over it) at start and
 * when it outgrows the snapshot. A process killed loses at most the changes
 * of the last {@link WRITE_DELAY_MS}. Objects being deleted are not restored.
 */
export function keepSimulationState(cluster: MockCluster, file: string): SimulationState {
  const journalFile = `${file}.journal`;
  const objects = readState(file, journalFile);
  const restored = restore(cluster, objects);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  let snapshotBytes = writeSnapshot(file, journalFile, [...objects.values()]);
  let fd = openSync(journalFile, 'a', 0o600);
  let journalBytes = 0;
  const pending = new Map<string, JournalLine>();
  let timer: NodeJS.Timeout | undefined;

  const flush = () => {
    timer = undefined;
    if (pending.size === 0) return;
    const text = `${[...pending.values()].map((line) => JSON.stringify(line)).join('\n')}\n`;
    pending.clear();
    journalBytes += writeSync(fd, text);
    if (journalBytes >= COMPACT_MIN_BYTES && journalBytes > snapshotBytes) {
      closeSync(fd);
      snapshotBytes = writeSnapshot(file, journalFile, current(cluster));
      fd = openSync(journalFile, 'a', 0o600);
      journalBytes = 0;
    }
  };
  const onChange = (e: StoreEvent) => {
    const key = objectKey(e.object);
    pending.set(keyText(key), e.type === 'DELETED' ? { del: key } : { put: e.object });
    timer ??= setTimeout(flush, WRITE_DELAY_MS);
  };
  cluster.events.on('change', onChange);
  return {
    restored,
    close() {
      cluster.events.off('change', onChange);
      clearTimeout(timer);
      flush();
      fdatasyncSync(fd);
      closeSync(fd);
    },
  };
}

/** The objects of the snapshot with the journal's changes applied, by key. */
function readState(file: string, journalFile: string): Map<string, MockObject> {
  const objects = new Map<string, MockObject>();
  const saved = readOptional(file);
  if (saved !== undefined) {
    let parsed: { objects?: MockObject[] };
    try {
      parsed = JSON.parse(saved) as { objects?: MockObject[] };
    } catch (err) {
      throw stateInvalid(`cannot read the simulated cluster's state in ${file}: ${(err as Error).message}`, err);
    }
    for (const o of parsed.objects ?? []) objects.set(keyText(objectKey(o)), o);
  }
  const lines = (readOptional(journalFile) ?? '').split('\n');
  for (const [i, text] of lines.entries()) {
    if (!text) continue;
    let line: JournalLine;
    try {
      line = JSON.parse(text) as JournalLine;
    } catch (err) {
      // A process killed while appending leaves a partial last line: the changes before it stand.
      if (i === lines.length - 1) break;
      throw stateInvalid(`cannot read the simulated cluster's journal ${journalFile}, line ${i + 1}: ${(err as Error).message}`, err);
    }
    if ('put' in line) objects.set(keyText(objectKey(line.put)), line.put);
    else objects.delete(keyText(line.del));
  }
  return objects;
}

/** The simulated cluster's files cannot be read: named, with the line when it is the journal's. */
function stateInvalid(message: string, cause: unknown): HostError {
  return new HostError('SIMULATION_STATE_INVALID', 500, message, [], { cause });
}

function readOptional(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw stateInvalid(`cannot read the simulated cluster's state in ${file}: ${(err as Error).message}`, err);
  }
}

/** Writes every object to `file` (a temporary file renamed over it, synced) and empties the journal; returns the snapshot's size. */
function writeSnapshot(file: string, journalFile: string, objects: MockObject[]): number {
  const tmp = `${file}.${process.pid}.tmp`;
  const text = JSON.stringify({ objects });
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fdatasyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  writeFileSync(journalFile, '', { mode: 0o600 });
  return statSync(file).size;
}

function current(cluster: MockCluster): MockObject[] {
  return cluster.store.kinds().flatMap((k) => cluster.list(k.apiVersion, k.kind));
}

function restore(cluster: MockCluster, saved: Map<string, MockObject>): number {
  const rank = (o: MockObject) => {
    const i = FIRST.indexOf(o.kind);
    return i < 0 ? FIRST.length : i;
  };
  const objects = [...saved.values()].filter((o) => !o.metadata?.deletionTimestamp).sort((a, b) => rank(a) - rank(b));
  for (const o of objects) {
    const { status: _status, ...object } = o;
    cluster.apply(object as MockObject);
  }
  return objects.length;
}

function objectKey(o: MockObject): ObjectKey {
  return { apiVersion: o.apiVersion, kind: o.kind, ...(o.metadata?.namespace ? { namespace: o.metadata.namespace } : {}), name: o.metadata?.name ?? '' };
}

function keyText(k: ObjectKey): string {
  return `${k.apiVersion}/${k.kind}/${k.namespace ?? ''}/${k.name}`;
}
