#!/usr/bin/env bash
# The demo: starts the reference host on a temporary SQLite file with a
# simulated cluster, submits examples/score-postgres-app.yaml over HTTP, shows
# the database being provisioned, its outputs (password redacted) and the
# resolved workload, then stops the host. Run after scripts/setup.sh
# (`npm run demo` does both). Exits non-zero with a message if anything fails.
# With --serve (`npm run demo -- --serve`) it prints the web UI's URL and a
# token first, and keeps the host up after the demo until Ctrl-C.
# With --pace instant the simulated operator creates the database at once
# instead of at a pace a person can follow (innominatus-host --pace).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules/.pnpm ]; then
  echo "demo: dependencies are not installed; run 'npm run demo' (or 'bash scripts/setup.sh' first)" >&2
  exit 1
fi
exec node --conditions=source --import tsx examples/reference-host/src/demo/run-demo.ts "$@"
