#!/usr/bin/env bash
# The browser test drives a real Chromium (Debian's package; playwright cannot download browsers here).
# Installs it when missing and this user may; otherwise says what to do.
set -euo pipefail
browser="${CHROMIUM_PATH:-/usr/bin/chromium}"
[ -x "$browser" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "isolate-deps tests: installing Debian's chromium for the browser test" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "isolate-deps tests: the browser test needs Chromium at $browser (run: sudo apt-get install chromium, or set CHROMIUM_PATH)" >&2
exit 1
