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

/** Reads and writes of one application's spec while its lock is held. */
export interface SpecTransaction {
  get(name: string): Promise<StoredSpec | undefined>;
  put(spec: StoredSpec): Promise<void>;
  delete(name: string): Promise<boolean>;
}

/** Where the host keeps the last accepted Score spec of each application. */
export interface SpecStore extends SpecTransaction {
  list(): Promise<StoredSpec[]>;
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
  async list() {
    return [...this.#specs.values()].map((s) => structuredClone(s));
  }
}

/**
 * Specs as JSON files in a folder (one per application, written atomically):
 * the companion of a SQLite store, beside its database file. Its lock holds
 * within one process (one host per SQLite file).
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
  async put(spec: StoredSpec) {
    const tmp = `${this.#file(spec.name)}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(spec), { mode: 0o600 });
    renameSync(tmp, this.#file(spec.name));
  }
  async delete(name: string) {
    const existed = (await this.get(name)) !== undefined;
    rmSync(this.#file(name), { force: true });
    return existed;
  }
  async list() {
    const names = readdirSync(this.#dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
    const specs = await Promise.all(names.map((n) => this.get(n)));
    return specs.filter((s): s is StoredSpec => s !== undefined);
  }
}
