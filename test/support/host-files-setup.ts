import { afterAll } from 'vitest';
import { killHosts } from './host-process';

// The setup file of the host test files (vitest.config.ts), run before each of them: they share one module
// cache per worker, so what each file leaves behind is cleaned here, after the file's own hooks.
afterAll(() => {
  killHosts();
});
