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

# Lint and format (Biome, configured in biome.json): a finding fails the run
# like a failed test. Warnings are shown by `pnpm lint`, not here.
checks_failed=0
echo "› biome: lint and format check"
npx biome lint . --diagnostic-level=error || checks_failed=$((checks_failed + 1))
npx biome format . >/dev/null 2>&1 || { npx biome format . 2>&1 | tail -20; echo "formatting differs: run 'pnpm format'"; checks_failed=$((checks_failed + 1)); }

# TEST_REPORT=<file> keeps vitest's JSON report (per-file and per-test durations).
report=${TEST_REPORT:-$(mktemp)}
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@"
status=$?

node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  const checks = Number(process.argv[2]);
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests + checks} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "$report" "$checks_failed" || echo "0 passed, 1 failed"
[ -n "${TEST_REPORT:-}" ] || rm -f "$report"
[ "$checks_failed" -eq 0 ] || status=1
exit $status
