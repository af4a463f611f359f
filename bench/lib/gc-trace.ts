/**
 * What V8's `--trace-gc-nvp` lines say about a process's collections: how
 * many scavenges and mark-compacts, their pauses, the bytes scavenges
 * promoted to the old generation, and the heap left after each mark-compact
 * (what was live then, and the garbage the collector had not yet reached).
 */

/** Totals of one process's `--trace-gc-nvp` lines. */
export interface GcTraceSummary {
  scavenges: number;
  markCompacts: number;
  /** Main-thread pause of all scavenges, in seconds. */
  scavengePauseS: number;
  /** Main-thread pause of all mark-compacts (their atomic part; marking runs concurrently and in steps), in seconds. */
  markCompactPauseS: number;
  /** Bytes the scavenges moved from the young to the old generation, in MiB. */
  promotedMiB: number;
  /** The largest heap size after a mark-compact, in MiB. */
  largestAfterMarkCompactMiB: number;
}

const field = (line: string, name: string): number => Number(new RegExp(` ${name}=([\\d.]+)`).exec(line)?.[1] ?? 0);

/** Sums the `--trace-gc-nvp` lines in `text` (other lines are ignored). */
export function summarizeGcTrace(text: string): GcTraceSummary {
  const summary: GcTraceSummary = { scavenges: 0, markCompacts: 0, scavengePauseS: 0, markCompactPauseS: 0, promotedMiB: 0, largestAfterMarkCompactMiB: 0 };
  for (const line of text.split('\n')) {
    const kind = / gc=(s|mc) /.exec(line)?.[1];
    if (kind === 's') {
      summary.scavenges++;
      summary.scavengePauseS += field(line, 'pause') / 1000;
      summary.promotedMiB += field(line, 'promoted') / 2 ** 20;
    } else if (kind === 'mc') {
      summary.markCompacts++;
      summary.markCompactPauseS += field(line, 'pause') / 1000;
      summary.largestAfterMarkCompactMiB = Math.max(summary.largestAfterMarkCompactMiB, field(line, 'total_size_after') / 2 ** 20);
    }
  }
  return summary;
}

/** One line of a summary for a benchmark's output. */
export function formatGcTrace(s: GcTraceSummary): string {
  return (
    `host GC: ${s.scavenges} scavenges (${s.scavengePauseS.toFixed(1)} s paused, ${s.promotedMiB.toFixed(0)} MiB promoted), ` +
    `${s.markCompacts} mark-compacts (${s.markCompactPauseS.toFixed(1)} s paused), largest heap after a mark-compact ${s.largestAfterMarkCompactMiB.toFixed(0)} MiB`
  );
}
