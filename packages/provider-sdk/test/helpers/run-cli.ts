export { runCli } from '../../src/testing/run-cli';

/** The test steps module, for `--steps`. */
export const TEST_STEPS = new URL('./test-steps.ts', import.meta.url).pathname;
