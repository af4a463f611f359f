/**
 * Loaded into a benchmark's host (`--import` this file, with an IPC channel
 * and ALLOC_PROFILE_DIR set): V8's sampling heap profiler runs from the start
 * and counts every sampled allocation, also those collected since (unlike
 * `--heap-prof`, which keeps only what is still live when it stops). On
 * `{ type: 'alloc-profile', id }` it stops and writes a `.heapprofile` (open it in
 * Chrome DevTools' Memory panel) into ALLOC_PROFILE_DIR, then answers `{ id }`.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

const dir = process.env.ALLOC_PROFILE_DIR;
if (!dir) throw new Error('alloc-profile-probe: set ALLOC_PROFILE_DIR');
const session = new Session();
session.connect();
await session.post('HeapProfiler.startSampling', {
  samplingInterval: 32 * 1024,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
process.channel?.unref();
process.on('message', async (m: { type?: string; id?: number }) => {
  if (m?.type !== 'alloc-profile') return;
  const { profile } = await session.post('HeapProfiler.stopSampling');
  writeFileSync(join(dir, `host-${process.pid}.heapprofile`), JSON.stringify(profile));
  process.send?.({ id: m.id });
});
