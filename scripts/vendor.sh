#!/usr/bin/env bash
# Re-vendor the front-end files from the npm registry at pinned versions.
# Pages load nothing from outside the machine: everything is served from static/vendor/.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm init -y >/dev/null && npm install --no-audit --no-fund \
    htmx.org@2.0.4 @picocss/pico@2.1.1 >/dev/null)
install -D -m 644 "$tmp/node_modules/htmx.org/dist/htmx.min.js" static/vendor/htmx/htmx.min.js
install -D -m 644 "$tmp/node_modules/htmx.org/LICENSE" static/vendor/htmx/LICENSE
install -D -m 644 "$tmp/node_modules/@picocss/pico/css/pico.red.min.css" static/vendor/pico/pico.red.min.css
install -D -m 644 "$tmp/node_modules/@picocss/pico/LICENSE.md" static/vendor/pico/LICENSE.md
echo "vendored: htmx.org 2.0.4, @picocss/pico 2.1.1"
