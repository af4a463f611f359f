/**
 * CPU the benchmarks measure from inside: process CPU time from /proc, and
 * V8 CPU profiles of this process.
 */
import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/**
 * CPU time (user + system) of a process, or with `thread` of one of its
 * threads (the main thread's id is the pid), in seconds: fields 14 and 15 of
 * its /proc `stat` file, in clock ticks of 10 ms.
 */
export function procCpuSeconds(pid: number, thread?: number): number {
  const file = thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`;
  // After the parenthesised command name, which may hold spaces.
  const fields = readFileSync(file, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Starts the V8 profiler in this process; the function returned stops it and gives the profile (a `.cpuprofile`'s JSON). */
export async function startProfile(): Promise<() => Promise<object>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => (await session.post('Profiler.stop')).profile;
}
