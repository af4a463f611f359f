import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScoreSpec } from './score/score-spec';
import { KeyedLock } from './util/keyed-lock';

/** A submitted Score spec as kept by the host. */
export interface StoredSpec {
  name: string;
  spec: ScoreSpec;
  submittedAt: string;
}

/** What a spec listing shows of one spec: never the spec itself. */
export interface SpecSummary {
  name: string;
  submittedAt: string;
  /** The names of the resources the spec asks for, sorted. */
  resources: string[];
}

/** One page of a spec listing: names after `after` (exclusive), in name order. */
export interface SpecPage {
  after?: string;
  limit: number;
}

/** The summary of a spec, as listings show it. */
export function summarize(spec: StoredSpec): SpecSummary {
  return { name: spec.name, submittedAt: spec.submittedAt, resources: Object.keys(spec.spec.resources ?? {}).sort() };
}

/** Reads and writes of one application's spec while its lock is held. */
export interface SpecTransaction {
  get(name: string): Promise<StoredSpec | undefined>;
  put(spec: StoredSpec): Promise<void>;
  delete(name: string): Promise<boolean>;
}

/** Where the host keeps the last accepted Score spec of each application. */
export interface SpecStore extends SpecTransaction {
  /** Summaries of the specs in name order, one page at a time, without loading the specs. */
  list(page: SpecPage): Promise<SpecSummary[]>;
  /**
   * Runs `fn` holding the application's lock: no other call for the same
   * application (in this process, and for a shared store in any host on it)
   * runs at the same time. Writes through `tx` take effect only when `fn`
   * resolves (for a transactional store), and not at all when it throws.
   */
  withLock<T>(name: string, fn: (tx: SpecTransaction) => Promise<T>): Promise<T>;
}

/** Specs in memory: for tests and for hosts whose specs need not survive a restart. */
export class MemorySpecStore implements SpecStore {
  readonly #specs = new Map<string, StoredSpec>();
  readonly #lock = new KeyedLock();
  withLock<T>(name: string, fn: (tx: SpecTransaction) => Promise<T>): Promise<T> {
    return this.#lock.run(name, () => fn(this));
  }
  async get(name: string) {
    return structuredClone(this.#specs.get(name));
  }
  async put(spec: StoredSpec) {
    this.#specs.set(spec.name, structuredClone(spec));
  }
  async delete(name: string) {
    return this.#specs.delete(name);
  }
  async list(page: SpecPage) {
    const names = [...this.#specs.keys()]
      .filter((n) => page.after === undefined || n > page.after)
      .sort()
      .slice(0, page.limit);
    return names.map((n) => summarize(this.#specs.get(n)!));
  }
}

/**
 * Specs as JSON files in a folder (one per application, written atomically):
 * the companion of a SQLite store, beside its database file. Beside each spec
 * `<name>.json`, `<name>.summary` holds what listings show, so that listing
 * reads no spec. Its lock holds within one process (one host per SQLite file).
 */
export class FileSpecStore implements SpecStore {
  readonly #dir: string;
  readonly #lock = new KeyedLock();
  withLock<T>(name: string, fn: (tx: SpecTransaction) => Promise<T>): Promise<T> {
    return this.#lock.run(name, () => fn(this));
  }
  constructor(dir: string) {
    this.#dir = dir;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }
  #file(name: string): string {
    // Names are DNS labels (validated by the Score schema), so they are safe file names.
    return join(this.#dir, `${name}.json`);
  }
  async get(name: string) {
    try {
      return JSON.parse(readFileSync(this.#file(name), 'utf8')) as StoredSpec;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }
  #summaryFile(name: string): string {
    return join(this.#dir, `${name}.summary`);
  }
  async put(spec: StoredSpec) {
    // The summary first: a crash between the two leaves a summary of a spec not stored, which list() skips.
    writeAtomically(this.#summaryFile(spec.name), JSON.stringify(summarize(spec)));
    writeAtomically(this.#file(spec.name), JSON.stringify(spec));
  }
  async delete(name: string) {
    let existed = true;
    try {
      rmSync(this.#file(name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      existed = false;
    }
    rmSync(this.#summaryFile(name), { force: true });
    return existed;
  }
  async list(page: SpecPage) {
    const names = readdirSync(this.#dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -5))
      .filter((n) => page.after === undefined || n > page.after)
      .sort()
      .slice(0, page.limit);
    const out: SpecSummary[] = [];
    for (const name of names) {
      const summary = this.#readSummary(name);
      if (summary) out.push(summary);
    }
    return out;
  }
  /** The summary of a stored spec; made from the spec for a folder written before summaries were kept. */
  #readSummary(name: string): SpecSummary | undefined {
    try {
      return JSON.parse(readFileSync(this.#summaryFile(name), 'utf8')) as SpecSummary;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    let spec: StoredSpec;
    try {
      spec = JSON.parse(readFileSync(this.#file(name), 'utf8')) as StoredSpec;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const summary = summarize(spec);
    writeAtomically(this.#summaryFile(name), JSON.stringify(summary));
    return summary;
  }
}

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, file);
}
