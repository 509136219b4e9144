#!/usr/bin/env bash
# The browser tests drive Debian's chromium (/usr/bin/chromium). Install it when it is
# missing: as root through apt-get, otherwise say the exact command and fail. Never a
# browser downloaded by Playwright (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1).
set -euo pipefail
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] && exit 0
cmd="apt-get update && apt-get install -y chromium"
if [ "$(id -u)" = 0 ]; then
  echo "make test: installing Debian's chromium for the browser tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  echo "make test: installing Debian's chromium for the browser tests (sudo)"
  sudo apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "make test: $CHROMIUM is missing and the browser tests need it." >&2
  echo "Install Debian's chromium as root, then run make test again:" >&2
  echo "    sudo sh -c '$cmd'" >&2
  echo "(make test-fast runs everything except the browser and slow tests without it.)" >&2
  exit 1
fi
[ -x "$CHROMIUM" ] || { echo "make test: $CHROMIUM still missing after apt-get" >&2; exit 1; }
