// The Node.js options the host's bin starts the host with (see "Memory" in
// docs/operator-guide.md), and the rule that an operator's own setting wins.
import { getHeapStatistics } from 'node:v8';

/**
 * The old generation's limit, in MiB. It also caps how far V8 lets the heap
 * grow past what was live at the last full collection: up to 4 times at a
 * limit of 2 GiB and above (Node's default limit on 64-bit machines with
 * 16 GiB or more is ~4 GiB), at most 1.8 times at 1.5 GiB. A fleet's runs
 * leave most of their garbage in the old generation, so that cap, more than
 * what the runs hold, sets the host's peak memory.
 */
export const OLD_SPACE_MIB = 1536;

/**
 * The options to add to the host's Node: `--max-old-space-size=OLD_SPACE_MIB`,
 * unless `NODE_OPTIONS` (which the host's Node inherits) already sets
 * `--max-old-space-size` or `--max-heap-size`, or Node's own limit on this
 * machine is not above it (a small machine or container): the bin only ever
 * lowers the limit, never raises it past what Node would choose.
 * @param {string | undefined} nodeOptions the NODE_OPTIONS environment variable
 * @param {number} [heapLimitMiB] Node's heap limit here (default: this process's, which runs with the same NODE_OPTIONS)
 * @returns {string[]}
 */
export function hostNodeOptions(nodeOptions, heapLimitMiB = getHeapStatistics().heap_size_limit / 2 ** 20) {
  const own = (nodeOptions ?? '').split(/\s+/).some((o) => /^--max[-_](old[-_]space|heap)[-_]size(=|$)/.test(o));
  // heapLimitMiB is the old generation's limit plus the young generation's (at most YOUNG_MAX_MIB by default):
  // only above OLD_SPACE_MIB + YOUNG_MAX_MIB is Node's own old-generation limit surely above OLD_SPACE_MIB.
  return own || heapLimitMiB <= OLD_SPACE_MIB + YOUNG_MAX_MIB ? [] : [`--max-old-space-size=${OLD_SPACE_MIB}`];
}

/** The young generation's largest default size in MiB on 64-bit (three 16 MiB semi-spaces), part of Node's heap limit. */
const YOUNG_MAX_MIB = 48;
