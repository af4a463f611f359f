import { main } from './cli/main';
import { processIo } from './cli/cli-io';

main(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // A bug, not a user error: say so briefly, with the stack only when asked.
    process.stderr.write(`provider-sdk: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env.DEBUG) process.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
    process.exitCode = 3;
  },
);
