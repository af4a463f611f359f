#!/usr/bin/env node
// Runs the reference host from its TypeScript source through tsx (the host is
// private and not built). Workspace packages resolve to their source too.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
await main(process.argv);
