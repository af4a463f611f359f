#!/usr/bin/env bash
# ensure_chromium: installs Chromium's headless shell from Debian's packages
# (chromium-headless-shell) when it is missing, for the browser tests
# (playwright-core drives the system's headless shell; no browser is
# downloaded). The headless shell is Chromium without the browser's UI layer:
# the browser test's pages used about half the CPU in it that they used in
# the full `chromium` (docs/benchmarks.md). Needs root and apt-get; says what
# to do otherwise.
ensure_chromium() {
  if command -v chromium-headless-shell >/dev/null 2>&1; then return 0; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "› installing chromium-headless-shell (Debian package) for the browser tests"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell; } >/tmp/innominatus-chromium.log 2>&1 \
      || { tail -20 /tmp/innominatus-chromium.log >&2; echo "could not install chromium-headless-shell; the browser tests will fail" >&2; }
  else
    echo "chromium-headless-shell is not installed: run 'sudo apt-get install chromium-headless-shell' (or set CHROMIUM_PATH); the browser tests need it" >&2
  fi
}
