#!/usr/bin/env bash
# End-to-end tests in a real, headless n8n:
#   1. installs (or reuses) the engines in the cache (install-n8n.sh),
#   2. builds and packs this package (unless N8N_E2E_TARBALL names a tarball already),
#   3. runs test/e2e/selftest.mjs and every test/e2e/*.e2e.mjs with node's test runner:
#      package.e2e.mjs   n8n's community-package scanner and n8n's lint (`n8n-node lint`), a dry
#                        run of the publish steps, and every node loads and runs
#      examples.e2e.mjs  the example workflows of examples/ against the provider simulator
#      editor.e2e.mjs    the editor in headless Chromium (installed by install-chromium.sh)
#      queue.e2e.mjs     n8n 2.x in queue mode: main + two workers, Redis, PostgreSQL
#                        (installed by install-queue-services.sh)
#
# Environment:
#   N8N_E2E_VERSIONS    n8n majors to test, "2,1" (default), "2" or "1"
#   N8N_E2E_TARBALL     a packed package to test instead of packing this repository
#   N8N_E2E_SKIP_BUILD  1: pack the existing dist/ without `npm run build`
#   N8N_E2E_CACHE       cache folder of the engines (default ~/.cache/n8n-nodes-async-jobs-e2e)
#   N8N_E2E_KEEP        1: keep the n8n user folder of a failed run, for a look inside
#   CHROMIUM_PATH       the browser of the editor test (default /usr/bin/chromium)
#   N8N_E2E_SCREENSHOT  where the editor test saves its 2.x screenshot (default docs/editor.png; 0: nowhere)
#   N8N_E2E_EDITOR_VERSIONS  n8n majors of the editor test (default: N8N_E2E_VERSIONS)
#   N8N_E2E_QUEUE       1: only the queue-mode test; 0: everything but it (default: all)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export N8N_E2E_VERSIONS="${N8N_E2E_VERSIONS:-2,1}"
export N8N_E2E_REQUIRE=1

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

components=(scanner node-cli)
case ",$N8N_E2E_VERSIONS," in *,2,*) components+=(2) ;; esac
case ",$N8N_E2E_VERSIONS," in *,1,*) components+=(1) ;; esac
t0="$(now)"
bash "$HERE/install-n8n.sh" "${components[@]}"
echo "[e2e] engines ready in $(elapsed "$t0")s" >&2
# The editor test runs in Debian's Chromium.
queue="${N8N_E2E_QUEUE:-}"
if [ "$queue" != 1 ]; then
  t0="$(now)"; bash "$HERE/install-chromium.sh"; echo "[e2e] chromium ready in $(elapsed "$t0")s" >&2
fi
# The queue-mode test runs on Debian's Redis and PostgreSQL.
if [ "$queue" != 0 ]; then
  t0="$(now)"; bash "$HERE/install-queue-services.sh"; echo "[e2e] redis and postgresql ready in $(elapsed "$t0")s" >&2
fi

cleanup=()
trap 'for d in "${cleanup[@]}"; do rm -rf "$d"; done' EXIT
if [ -z "${N8N_E2E_TARBALL:-}" ]; then
  t0="$(now)"
  if [ "${N8N_E2E_SKIP_BUILD:-0}" != 1 ]; then (cd "$ROOT" && npm run build >&2); fi
  out="$(mktemp -d)"; cleanup+=("$out")
  name="$(cd "$ROOT" && npm pack --silent --pack-destination "$out" | tail -n 1)"
  export N8N_E2E_TARBALL="$out/$name"
  echo "[e2e] packed $name in $(elapsed "$t0")s" >&2
fi
[ -f "$N8N_E2E_TARBALL" ] || { echo "[e2e] no tarball at $N8N_E2E_TARBALL" >&2; exit 1; }
export N8N_E2E_TARBALL="$(cd "$(dirname "$N8N_E2E_TARBALL")" && pwd)/$(basename "$N8N_E2E_TARBALL")"

shopt -s nullglob
files=("$HERE/selftest.mjs" "$HERE"/*.e2e.mjs)
if [ "$queue" = 1 ]; then files=("$HERE/queue.e2e.mjs"); fi
# One file at a time: each file may already run the n8n versions side by side (2 cores).
node --test --test-concurrency=1 "${files[@]}"
