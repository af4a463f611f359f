import { nodeBinaries } from './node-binary';
import { strangerProject } from './release';

/**
 * The release project's global setup (vitest.config.ts), run in the vitest
 * process when a run has release files, before any file starts: it starts
 * making what they need (the packed tarballs, the installed project, the Node
 * binaries) in the background and returns at once, so the packing, npm
 * install and downloads overlap the other files instead of making the release
 * files wait. The files ask for the same things, which then wait for this
 * work through its locks or find it done. A failure here is not reported:
 * the file that needs the thing makes it again and fails with the error.
 *
 * @returns the teardown, which waits for the work, so the run never ends with
 * a child process still installing and a lock left behind
 */
export function setup(): () => Promise<void> {
  const prepared = Promise.all([strangerProject(), nodeBinaries()]).then(
    () => undefined,
    () => undefined,
  );
  return () => prepared;
}
