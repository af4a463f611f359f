import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main';
import type { CliIo, WatchFiles } from '../src/cli/cli-io';
import { DELETE_YAML, writeProvider, writeTree } from './helpers/fixtures';
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
    // The --steps module (a path) is watched too, through its folder.
    expect(listeners.map((l) => [l.path, l.recursive])).toEqual([
      [dir, true],
      [dirname(TEST_STEPS), false],
    ]);

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
    expect(closed).toBe(2);
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

  it('reads a --crd file again when it changes (a scripted watcher): the manifests are checked against the new schema', async () => {
    const crd = (type: string) =>
      [
        'apiVersion: apiextensions.k8s.io/v1',
        'kind: CustomResourceDefinition',
        'metadata: { name: widgets.example.com }',
        'spec:',
        '  group: example.com',
        '  scope: Namespaced',
        '  names: { kind: Widget, plural: widgets, singular: widget, listKind: WidgetList }',
        '  versions:',
        '    - name: v1',
        '      served: true',
        '      storage: true',
        `      schema: { openAPIV3Schema: { type: object, properties: { spec: { type: object, properties: { size: { type: ${type} } } } } } }`,
        '',
      ].join('\n');
    const wf = [
      'apiVersion: innominatus.io/v1',
      'kind: Workflow',
      'metadata: { name: wf }',
      'steps:',
      '  - name: apply',
      '    type: kubernetes-apply',
      '    with:',
      '      manifests:',
      '        - { apiVersion: example.com/v1, kind: Widget, metadata: { name: w, namespace: ns }, spec: { size: 3 } }',
      '',
    ].join('\n');
    const dir = await writeTree({ 'wf.yaml': wf, 'crds/widget.yaml': crd('string') });
    const listeners: Array<{ path: string; onChange: (f: string | null) => void }> = [];
    const { io, stop } = watchIo(dir, (path, _options, onChange) => {
      listeners.push({ path, onChange });
      return { close: () => undefined };
    });
    const done = main(['validate', 'wf.yaml', '--watch', '--crd', 'crds/widget.yaml'], io);
    await eventually(() => expect(count(io.err, 'watching')).toBe(1));
    expect(listeners.map((l) => l.path)).toEqual([dir, join(dir, 'crds')]);
    expect(io.out).toContain('wf.yaml:9:107: error: Widget spec.size: Invalid value: "integer": spec.size in body must be of type string: "integer"');

    await writeFile(join(dir, 'crds/widget.yaml'), crd('integer'));
    // A change of another file in the CRD's folder is not one of the inputs.
    listeners[1]!.onChange('other.yaml');
    listeners[1]!.onChange('widget.yaml');
    await eventually(() => expect(count(io.err, 'watching')).toBe(2));
    expect(io.err.split('\n')[1]).toBe('crds/widget.yaml changed: validating again');
    expect(io.out.endsWith('✔ 1 workflow file valid (1 workflow, 0 warnings)\n')).toBe(true);
    stop();
    expect(await done).toBe(0);
  });

  it('imports a changed --steps module again (a real change, fs.watch); one that no longer loads is an error line and the watch goes on', async () => {
    const dir = await writeProvider();
    const module = (names: string) => `export { ${names} } from ${JSON.stringify(TEST_STEPS)};\n`;
    await writeFile(join(dir, 'steps.mjs'), module('applyStep, waitStep'));
    const { io, stop } = watchIo(dir);
    const done = main(['validate', 'provider.yaml', '--watch', '--steps', './steps.mjs'], io);
    await eventually(() => expect(count(io.err, 'watching')).toBe(1));
    expect(io.out).toContain("error: unknown step type 'test-credentials'");

    await writeFile(join(dir, 'steps.mjs'), module('applyStep, waitStep, credentialsStep'));
    await eventually(() => expect(io.out.endsWith(VALID)).toBe(true));
    expect(io.err).toContain('steps.mjs changed: validating again\n');

    await writeFile(join(dir, 'steps.mjs'), 'export const nothing = 1;\n');
    await eventually(() => expect(io.err).toContain("error: steps module './steps.mjs' exports no step definitions\n"));
    await eventually(() => expect(io.err.endsWith('watching provider.yaml for changes (Ctrl-C to stop)\n')).toBe(true));
    stop();
    expect(await done).toBe(2);
  });
});
