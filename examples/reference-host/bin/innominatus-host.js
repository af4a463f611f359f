#!/usr/bin/env node
// Runs the reference host from its TypeScript source (the host is private and
// not built): a child Node with tsx and the `source` export condition, so the
// workspace packages load from their source too, and the heap limit of
// host-node-options.js. Signals are passed on, so SIGTERM and SIGINT still
// stop the host gracefully.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { hostNodeOptions } from './host-node-options.js';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');
const options = hostNodeOptions(process.env.NODE_OPTIONS);
const child = spawn(process.execPath, [...options, '--conditions=source', '--import', tsx, cli, ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
