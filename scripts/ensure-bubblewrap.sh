#!/usr/bin/env bash
# The install-script sandbox (test/sandbox.test.ts, `isolate-deps scripts`) runs bubblewrap (Debian's package).
# Installs it when missing and this user may; otherwise says what to do. Not needed off Linux.
set -euo pipefail
[ "$(uname -s)" = Linux ] || exit 0
command -v "${ISOLATE_DEPS_BWRAP:-bwrap}" >/dev/null && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "isolate-deps tests: installing Debian's bubblewrap for the install-script sandbox" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null
  exit 0
fi
echo "isolate-deps tests: the sandbox tests need bubblewrap (run: sudo apt-get install bubblewrap, or set ISOLATE_DEPS_BWRAP)" >&2
exit 1
