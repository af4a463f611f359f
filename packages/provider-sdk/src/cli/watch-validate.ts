import { watch as fsWatch } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { ProviderSdkError } from '../errors';
import type { CliIo, WatchFiles } from './cli-io';

/** Editors write a file in several steps (truncate, write, rename): changes this close together make one run. */
const SETTLE_MS = 100;

const nodeWatch: WatchFiles = (path, options, onChange) => {
  const watcher = fsWatch(path, { recursive: options.recursive, persistent: true }, (_event, filename) => onChange(filename ? String(filename) : null));
  return { close: () => watcher.close() };
};

/** What to watch for one validated path: a folder recursively, a file through its folder (editors replace files). */
async function target(path: string): Promise<{ dir: string; recursive: boolean; only?: string }> {
  const isDir = await stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
  return isDir ? { dir: path, recursive: true } : { dir: dirname(path), recursive: false, only: basename(path) };
}

/**
 * `validate --watch`: runs `validate` once, then again after each change
 * under the given paths, until `io.signal` is aborted. Changes during a run
 * make one more run after it. Resolves with the last run's exit code.
 * `inputs` are files the runs read besides the paths (the `--steps` modules
 * given as paths, the `--crd` files): a change of one makes a run too, which
 * reads it again; one that no longer loads is an `error:` line (exit code 2)
 * and the watch goes on. What the watch itself says goes to stderr, so
 * stdout holds only the runs' reports (one JSON document per run with
 * `--format json`).
 */
export async function watchValidate(paths: readonly string[], validate: () => Promise<number>, io: CliIo, inputs: readonly string[] = []): Promise<number> {
  const watchFiles = io.watch ?? nodeWatch;
  let code = await validate();
  if (io.signal?.aborted) return code;
  const targets = await Promise.all([...paths.map((p) => resolve(io.cwd, p)), ...inputs].map((p) => target(p)));
  const validateOrReport = async (): Promise<number> => {
    try {
      return await validate();
    } catch (err) {
      if (!(err instanceof ProviderSdkError)) throw err;
      io.stderr(`error: ${err.message}\n`);
      return 2;
    }
  };
  return new Promise<number>((done) => {
    let running = false;
    let again: string | undefined;
    let timer: NodeJS.Timeout | undefined;
    const waiting = () => io.stderr(`watching ${paths.join(', ')} for changes (Ctrl-C to stop)\n`);
    const run = async (changed: string) => {
      running = true;
      io.stderr(`${relative(io.cwd, changed) || '.'} changed: validating again\n`);
      code = await validateOrReport();
      running = false;
      if (again !== undefined && !io.signal?.aborted) {
        const next = again;
        again = undefined;
        return void run(next);
      }
      waiting();
    };
    const changed = (file: string) => {
      if (io.signal?.aborted) return;
      if (running) {
        again ??= file;
        return;
      }
      clearTimeout(timer);
      timer = setTimeout(() => void run(file), SETTLE_MS);
    };
    const watchers = targets.map((t) =>
      watchFiles(t.dir, { recursive: t.recursive }, (filename) => {
        if (t.only !== undefined && filename !== null && filename !== t.only) return;
        changed(filename ? join(t.dir, filename) : t.only ? join(t.dir, t.only) : t.dir);
      }),
    );
    const stop = () => {
      clearTimeout(timer);
      for (const w of watchers) w.close();
      done(code);
    };
    if (io.signal) io.signal.addEventListener('abort', stop, { once: true });
    waiting();
  });
}
