import { resolve } from 'node:path';

/**
 * The repository's root folder. A module of its own, without imports of the
 * workspace, so that what needs only the path (the host files' setup file,
 * through `host-process.ts`) does not load the reference host to get it.
 */
export const ROOT = resolve(__dirname, '../..');
