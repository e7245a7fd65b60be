#!/usr/bin/env bash
# Installs Debian's `chromium` package for the editor test (editor.e2e.mjs) when it is
# missing: `apt-get update`, then `apt-get install -y chromium` (as root, or through sudo).
#   CHROMIUM_PATH   the browser the test uses (default /usr/bin/chromium); when it exists,
#                   nothing is installed
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
log() { printf '[install-chromium] %s\n' "$*" >&2; }

if [ -x "$CHROMIUM" ]; then
  log "$CHROMIUM is there: $("$CHROMIUM" --version 2>/dev/null | tail -n 1)"
  exit 0
fi
t0=$(date +%s)
bash "$(dirname "$0")/apt-install.sh" install-chromium chromium
[ -x "$CHROMIUM" ] || { log "ERROR: chromium was installed but $CHROMIUM is not there; set CHROMIUM_PATH"; exit 1; }
log "installed $("$CHROMIUM" --version 2>/dev/null | tail -n 1) in $(( $(date +%s) - t0 ))s"
