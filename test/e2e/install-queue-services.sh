#!/usr/bin/env bash
# Installs what the queue-mode test (queue.e2e.mjs) runs n8n on, when it is missing: Debian's
# `redis-server` and PostgreSQL (`postgresql`, any major; 15 on Debian 12). `apt-get update`,
# then `apt-get install -y` of only the missing packages (as root, or through sudo). Nothing is
# started here: the test starts its own servers on free loopback ports in temp folders.
set -euo pipefail
log() { printf '[install-queue-services] %s\n' "$*" >&2; }

missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
if [ ${#missing[@]} -eq 0 ]; then
  log "redis-server $(redis-server --version | grep -o 'v=[0-9.]*') and PostgreSQL $(ls /usr/lib/postgresql | sort -V | tail -n 1) are there"
  exit 0
fi
t0=$(date +%s)
bash "$(dirname "$0")/apt-install.sh" install-queue-services "${missing[@]}"
command -v redis-server >/dev/null && compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null \
  || { log "ERROR: installed ${missing[*]}, but redis-server or initdb is still not there"; exit 1; }
log "installed ${missing[*]} in $(( $(date +%s) - t0 ))s"
