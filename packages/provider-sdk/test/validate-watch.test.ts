import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main';
import type { CliIo, WatchFiles } from '../src/cli/cli-io';
import { DELETE_YAML, writeProvider } from './helpers/fixtures';
import { TEST_STEPS } from './helpers/run-cli';

const VALID = '✔ 1 provider valid (2 workflows, 0 warnings)\n';
const BROKEN = DELETE_YAML.replace('type: test-apply', 'type: test-aply');

/** A CLI io capturing output, with an abort to end the watch, and optionally a scripted watcher. */
function watchIo(dir: string, watch?: WatchFiles) {
  const stop = new AbortController();
  const io: CliIo & { out: string; err: string } = {
    out: '',
    err: '',
    cwd: dir,
    color: false,
    signal: stop.signal,
    ...(watch ? { watch } : {}),
    stdout: (t) => {
      io.out += t;
    },
    stderr: (t) => {
      io.err += t;
    },
  };
  return { io, stop: () => stop.abort() };
}

const count = (text: string, part: string) => text.split(part).length - 1;
const eventually = (check: () => void) => vi.waitFor(check, { timeout: 20_000, interval: 10 });

describe('provider-sdk validate --watch', () => {
  it('validates again after each change (a scripted watcher), coalescing changes that come together, until stopped', async () => {
    const dir = await writeProvider();
    const listeners: Array<{ path: string; recursive: boolean; onChange: (f: string | null) => void }> = [];
    let closed = 0;
    const watch: WatchFiles = (path, options, onChange) => {
      listeners.push({ path, recursive: options.recursive, onChange });
      return { close: () => void closed++ };
    };
    const { io, stop } = watchIo(dir, watch);
    const done = main(['validate', '.', '--watch', '--steps', TEST_STEPS], io);

    await eventually(() => expect(io.err).toBe('watching . for changes (Ctrl-C to stop)\n'));
    expect(io.out).toBe(VALID);
    expect(listeners.map((l) => [l.path, l.recursive])).toEqual([[dir, true]]);

    await writeFile(join(dir, 'workflows/delete-postgres.yaml'), BROKEN);
    // An editor's save: several events at once make one run.
    for (let i = 0; i < 3; i++) listeners[0]!.onChange('workflows/delete-postgres.yaml');
    await eventually(() => expect(count(io.err, 'watching')).toBe(2));
    expect(io.err).toBe(
      [
        'watching . for changes (Ctrl-C to stop)',
        'workflows/delete-postgres.yaml changed: validating again',
        'watching . for changes (Ctrl-C to stop)',
        '',
      ].join('\n'),
    );
    expect(io.out).toContain("workflows/delete-postgres.yaml:11:11: error: unknown step type 'test-aply'; did you mean 'test-apply'?");
    expect(io.out).toContain('✖ 1 error, 0 warnings in 1 provider\n');

    await writeFile(join(dir, 'workflows/delete-postgres.yaml'), DELETE_YAML);
    listeners[0]!.onChange('workflows/delete-postgres.yaml');
    await eventually(() => expect(count(io.err, 'watching')).toBe(3));
    expect(io.out.endsWith(`in 1 provider\n${VALID}`)).toBe(true);
    expect(count(io.out, VALID)).toBe(2);

    stop();
    expect(await done).toBe(0);
    expect(closed).toBe(1);
  });

  it('ends with the exit code of the last run; with --format json stdout holds one JSON report per run', async () => {
    const dir = await writeProvider({ 'workflows/delete-postgres.yaml': BROKEN });
    const { io, stop } = watchIo(dir, () => ({ close: () => undefined }));
    const done = main(['validate', '.', '--watch', '--format', 'json', '--steps', TEST_STEPS], io);
    await eventually(() => expect(io.err).toContain('watching'));
    expect(JSON.parse(io.out)).toMatchObject({ valid: false, errors: 1, warnings: 0 });
    stop();
    expect(await done).toBe(1);
  });

  it('sees a real file change (fs.watch) in a watched workflow file', async () => {
    const dir = await writeProvider();
    const { io, stop } = watchIo(dir);
    const done = main(['validate', 'workflows/delete-postgres.yaml', '--watch', '--steps', TEST_STEPS], io);
    // The watcher is set up once this is printed: a change from now on is seen.
    await eventually(() => expect(io.err).toBe('watching workflows/delete-postgres.yaml for changes (Ctrl-C to stop)\n'));
    expect(io.out).toBe('✔ 1 workflow file valid (1 workflow, 0 warnings)\n');
    await writeFile(join(dir, 'workflows/delete-postgres.yaml'), BROKEN);
    await eventually(() => expect(io.out).toContain('✖ 1 error, 0 warnings in 1 workflow file\n'));
    expect(io.err).toContain('workflows/delete-postgres.yaml changed: validating again\n');
    stop();
    expect(await done).toBe(1);
  });
});
