/**
 * Loaded into a benchmark's host (`--expose-gc --import` this file, with an
 * IPC channel): on `{ type: 'live-set', id }` it runs a full, synchronous
 * collection and answers `{ id, heapUsed, rss }` in bytes, so the benchmark
 * reads what is live at a moment instead of what garbage the heap holds then.
 * Nothing else in the host changes; the channel does not keep it alive.
 */
const fullGc = (globalThis as { gc?: () => void }).gc;
if (!fullGc) throw new Error('live-set-probe: start the host with --expose-gc');
process.channel?.unref();
process.on('message', (m: { type?: string; id?: number }) => {
  if (m?.type !== 'live-set') return;
  fullGc();
  const { heapUsed, rss } = process.memoryUsage();
  process.send?.({ id: m.id, heapUsed, rss });
});

export {};
