#!/usr/bin/env bash
# ensure_chromium: installs Chromium from Debian's packages when it is missing,
# for the browser tests (playwright-core drives the system's chromium; no
# browser is downloaded). Needs root and apt-get; says what to do otherwise.
ensure_chromium() {
  if command -v chromium >/dev/null 2>&1; then return 0; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "› installing chromium (Debian package) for the browser tests"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/tmp/innominatus-chromium.log 2>&1 \
      || { tail -20 /tmp/innominatus-chromium.log >&2; echo "could not install chromium; the browser tests will fail" >&2; }
  else
    echo "chromium is not installed: run 'sudo apt-get install chromium' (or set CHROMIUM_PATH); the browser tests need it" >&2
  fi
}
