#!/usr/bin/env bash
# Runs the soak (bench/soak.ts) against a throwaway PostgreSQL it can restart.
# Not part of `pnpm bench`: it runs for SOAK_MINUTES (default 5).
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/postgres.sh
PG_PORT=${SOAK_PG_PORT:-55441} postgres_start || exit 1
export PG_DIR
trap postgres_stop EXIT
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(node -v), $(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d' ' -f1 /proc/loadavg)"
node --conditions=source --import tsx bench/soak.ts
