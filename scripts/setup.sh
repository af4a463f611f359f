#!/usr/bin/env bash
# Installs everything the project needs on a machine with only Node 20+ and npm:
# pnpm (the pinned version), the workspace's packages, and a build of every package.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=12.4.2
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  echo "› installing pnpm $PNPM_VERSION"
  npm install -g -E "pnpm@$PNPM_VERSION" >/dev/null 2>&1 || npm install -g -E "pnpm@$PNPM_VERSION"
fi

# Native modules (better-sqlite3) build against the machine's Node headers when
# they are installed, instead of downloading them.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then
  export npm_config_nodedir=/usr
fi

echo "› pnpm install"
pnpm install --frozen-lockfile --reporter=append-only 2>&1 | grep -vE '^\.\.\./|^Progress' || true
test -d node_modules/.pnpm || { echo "pnpm install failed" >&2; exit 1; }

echo "› building packages (tsup: ESM, CommonJS and types for each; about half a minute)"
pnpm -r --filter './packages/*' --reporter-hide-prefix build >/tmp/innominatus-build.log 2>&1 || { cat /tmp/innominatus-build.log >&2; exit 1; }

echo "› building the web UI (esbuild; under a second)"
pnpm --filter @innominatus/reference-host-ui build >>/tmp/innominatus-build.log 2>&1 || { cat /tmp/innominatus-build.log >&2; exit 1; }
