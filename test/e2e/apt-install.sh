#!/usr/bin/env bash
# `apt-get update`, then `apt-get install -y <packages>`, as root or through sudo; used by the
# install scripts of the e2e tests for what the machine is missing.
#   bash test/e2e/apt-install.sh <log prefix> <package>...
set -euo pipefail
prefix="$1"; shift
log() { printf '[%s] %s\n' "$prefix" "$*" >&2; }
command -v apt-get >/dev/null || { log "ERROR: $* missing and no apt-get to install them"; exit 1; }
SUDO=()
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { log "ERROR: installing $* needs root or sudo"; exit 1; }
  SUDO=(sudo -n)
fi
log "apt-get update"
"${SUDO[@]}" apt-get update -qq </dev/null
log "apt-get install -y $*"
DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq "$@" </dev/null >/dev/null
