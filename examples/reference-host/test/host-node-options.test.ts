import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { hostNodeOptions, OLD_SPACE_MIB } from '../bin/host-node-options.js';

const bin = fileURLToPath(new URL('../bin/innominatus-host.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'host-node-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Loaded into both the bin's Node and the host's (NODE_OPTIONS is inherited): the host's prints its old-generation limit and exits before the host starts.
const probe = join(dir, 'heap-limit-probe.mjs');
writeFileSync(
  probe,
  [
    "import { getHeapStatistics } from 'node:v8';",
    "if (process.argv[1]?.endsWith('cli.ts')) {",
    '  const { heap_size_limit } = getHeapStatistics();',
    '  process.stdout.write(String(heap_size_limit));',
    '  process.exit(0);',
    '}',
  ].join('\n'),
);

/** The heap limit (MiB, old generation and young) of the Node the bin starts the host in, with `nodeOptions` in NODE_OPTIONS besides the probe. */
async function hostHeapLimitMiB(nodeOptions: string): Promise<number> {
  const env = { ...process.env, NODE_OPTIONS: `--import ${pathToFileURL(probe).href} ${nodeOptions}`.trim() };
  const { stdout } = await promisify(execFile)(process.execPath, [bin, '--version'], { env, timeout: 60_000 });
  return Number(stdout) / 2 ** 20;
}

/** Node's own heap limit on this machine (MiB), as a Node started without options has it. */
async function ownHeapLimitMiB(): Promise<number> {
  const env = { ...process.env, NODE_OPTIONS: '' };
  const { stdout } = await promisify(execFile)(process.execPath, ['-p', "require('node:v8').getHeapStatistics().heap_size_limit"], { env });
  return Number(stdout) / 2 ** 20;
}

describe("the host bin's Node options", () => {
  it('limits the old generation to OLD_SPACE_MIB unless NODE_OPTIONS sets a heap size', () => {
    expect(hostNodeOptions(undefined, 4144)).toStrictEqual([`--max-old-space-size=${OLD_SPACE_MIB}`]);
    expect(hostNodeOptions('--max-semi-space-size=32 --enable-source-maps', 4144)).toStrictEqual([`--max-old-space-size=${OLD_SPACE_MIB}`]);
    expect(hostNodeOptions('--enable-source-maps --max-old-space-size=4096')).toStrictEqual([]);
    expect(hostNodeOptions('--max_old_space_size 4096')).toStrictEqual([]);
    expect(hostNodeOptions('--max-heap-size=3000')).toStrictEqual([]);
  });

  it("never raises the limit past Node's own on a smaller machine", () => {
    expect(hostNodeOptions(undefined, 4144)).toStrictEqual([`--max-old-space-size=${OLD_SPACE_MIB}`]);
    expect(hostNodeOptions(undefined, OLD_SPACE_MIB)).toStrictEqual([]);
    // a whole-heap limit up to 48 MiB above it may hold an old generation below it
    expect(hostNodeOptions(undefined, OLD_SPACE_MIB + 48)).toStrictEqual([]);
    expect(hostNodeOptions(undefined, 1024)).toStrictEqual([]);
  });

  it("the host's Node runs with that limit, or with the operator's own", async () => {
    // heap_size_limit is the old generation's limit plus the young generation's (three 16 MiB semi-spaces by default on 64-bit).
    const young = 3 * 16;
    // Where Node's own limit is not above OLD_SPACE_MIB (a small machine or container) the bin adds nothing and the host keeps Node's.
    const own = await ownHeapLimitMiB();
    expect(await hostHeapLimitMiB('')).toBe(hostNodeOptions(undefined, own).length > 0 ? OLD_SPACE_MIB + young : own);
    expect(await hostHeapLimitMiB('--max-old-space-size=2500')).toBe(2500 + young);
  }, 120_000);
});
