import type { TestProject } from 'vitest/node';
import { nodeBinaries } from './node-binary';
import { packTarballs, strangerProject } from './release';

/**
 * What each release test file needs made, by the name of its vitest project
 * (the file's name, vitest.config.ts): the packed tarballs for the lint, the
 * installed project for the install test, the installed project and the Node
 * binaries for the Node-version test.
 */
const RELEASE_NEEDS: Record<string, () => Promise<unknown>[]> = {
  'release-lint': () => [packTarballs()],
  'release-install': () => [strangerProject()],
  'release-node-versions': () => [strangerProject(), nodeBinaries()],
};

/**
 * The release projects' global setup (vitest.config.ts), run in the vitest
 * process when a run has the project's file, before any file starts: it starts
 * making what that file needs ({@link RELEASE_NEEDS}, nothing more: a run of
 * the lint file alone neither installs nor fetches Node binaries) in the
 * background and returns at once, so the packing, npm install and downloads
 * overlap the other files instead of making the release files wait. The files
 * ask for the same things, which then wait for this work through its locks or
 * find it done. A failure here is not reported: the file that needs the thing
 * makes it again and fails with the error.
 *
 * @returns the teardown, which waits for the work, so the run never ends with
 * a child process still installing and a lock left behind
 */
export function setup(project: TestProject): () => Promise<void> {
  const needs = RELEASE_NEEDS[project.name];
  if (!needs) throw new Error(`release-global-setup: no needs listed for the vitest project '${project.name}'`);
  const prepared = Promise.all(needs()).then(
    () => undefined,
    () => undefined,
  );
  return () => prepared;
}
