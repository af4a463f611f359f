/**
 * `@innominatus/provider-sdk/testing`: load a provider folder and run its
 * workflows in unit tests (with the mock cluster of
 * `@innominatus/steps-kubernetes/testing`), capturing events and logs.
 *
 * @packageDocumentation
 */
export { loadProviderForTest } from './load-for-test';
export type { TestProvider } from './load-for-test';
export { providerForTests } from './provider-for-tests';
export type { ProviderForTests, TestCluster } from './provider-for-tests';
export { capturedText, runWorkflow } from './run-workflow';
export type { RunWorkflowOptions, WorkflowRun, CapturedEvent, CapturedRunLog } from './run-workflow';
export { progressed, runWorkflowToTimeout } from './run-to-timeout';
export type { RunToTimeoutOptions } from './run-to-timeout';
export { moveOnProgress } from './move-on-progress';
export type { ProgressMoves } from './move-on-progress';
/** The `provider-sdk` CLI in-process: `await main(['validate', '.'], io)` returns the exit code. */
export { main } from '../cli/main';
export type { CliIo, WatchFiles } from '../cli/cli-io';
export { runCli } from './run-cli';
export type { CliRun } from './run-cli';
