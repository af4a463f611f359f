#!/usr/bin/env bash
# Runs every test (vitest), with a real PostgreSQL for the PostgreSQL store
# tests, and ends with the plain line `N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ -z "${DATABASE_URL:-}" ]; then
  # shellcheck source=scripts/postgres.sh
  source scripts/postgres.sh
  postgres_start
  trap postgres_stop EXIT
fi

# shellcheck source=scripts/chromium.sh
source scripts/chromium.sh
ensure_chromium

report=$(mktemp)
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@"
status=$?

node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "$report" || echo "0 passed, 1 failed"
rm -f "$report"
exit $status
