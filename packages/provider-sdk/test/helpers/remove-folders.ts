// A setup file of the provider-sdk tests (vitest.config.ts): vitest runs it
// before each test file, also when files share one process, so each file
// removes the throwaway folders it made once its tests are done.
import { afterAll } from 'vitest';
import { removeThrowawayFolders } from './fixtures';

afterAll(removeThrowawayFolders);
