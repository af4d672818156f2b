#!/usr/bin/env bash
# Runs `claimex report`'s pages in a real headless Chromium (tests/report_browser.rs):
# the DOM after the pages' scripts ran, the filters, hostile text, a screenshot.
# Installs Chromium first when it is missing and this runs as root on Debian/Ubuntu
# (`apt-get install -y chromium`); without Chromium the test says SKIPPED and passes.
set -euo pipefail
cd "$(dirname "$0")/.."

have_browser() {
  [ -n "${CHROMIUM:-}" ] || command -v chromium >/dev/null || command -v chromium-browser >/dev/null \
    || command -v google-chrome >/dev/null || command -v google-chrome-stable >/dev/null
}

if ! have_browser; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "report-browser-test: installing chromium (apt-get install -y chromium)" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null 2>&1 \
      || echo "report-browser-test: could not install chromium" >&2
  fi
fi
if ! have_browser; then
  echo "report-browser-test: SKIPPED: no Chromium (apt-get install -y chromium, or set CHROMIUM=/path/to/chrome)" >&2
fi
exec cargo test --quiet --test report_browser -- --nocapture
