#!/usr/bin/env bash
# Runs every benchmark (bench/*.bench.ts and packages/*/bench/*.bench.ts).
# Benchmarks are not tests: they print numbers, recorded in docs/benchmarks.md.
# PostgreSQL benchmarks get a throwaway server, as the tests do.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ -z "${DATABASE_URL:-}" ]; then
  source scripts/postgres.sh
  PG_PORT=55439 postgres_start
  trap postgres_stop EXIT
fi
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(node -v), $(date -u +%Y-%m-%d)"
status=0
for f in bench/*.bench.ts packages/*/bench/*.bench.ts providers/*/bench/*.bench.ts; do
  [ -f "$f" ] || continue
  if [ $# -gt 0 ] && [[ "$f" != *"$1"* ]]; then continue; fi
  echo "== $f"
  node --conditions=source --import tsx "$f" || status=1
done
exit $status
