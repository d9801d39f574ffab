#!/usr/bin/env bash
# Runs every test of the platform on this machine.
#
# Installs what the tests need if it is missing (PostgreSQL from Debian packages, the
# official FHIR R4 example instances from npm), starts a throwaway PostgreSQL cluster,
# runs `dotnet test` on the whole solution and prints one closing line:
#   N passed, N failed
#
# Usage: ./test.sh [extra dotnet test arguments]     e.g.  ./test.sh --filter Search
#        TEST_CONSOLE_VERBOSITY=normal ./test.sh     (lists every test, not only failures)
#
# Environment it exports to the tests:
#   TELEHEALTH_TEST_POSTGRES  connection string of a superuser on the throwaway cluster;
#                             tests create (and drop) their own databases from it.
#   FHIR_R4_EXAMPLES_DIR      folder holding the R4 examples, one resource per file,
#                             named <ResourceType>-<id>.json (e.g. Patient-example.json).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="$ROOT/.test-tmp"            # git-ignored
# One folder per run, so two runs at once (or an old run's files) never mix their counts.
RESULTS="$CACHE/results/run-$(date +%Y%m%d-%H%M%S)-$$"

# Pinned: `npm view hl7.fhir.r4.examples versions` lists 4.0.1 only (the R4 release).
FHIR_EXAMPLES_PACKAGE="hl7.fhir.r4.examples"
FHIR_EXAMPLES_VERSION="4.0.1"
FHIR_EXAMPLES_PREFIX="$CACHE/npm"
# npm unpacks the tarball's `package/` folder here; the example files sit at its top.
FHIR_EXAMPLES_DIR_DEFAULT="$FHIR_EXAMPLES_PREFIX/node_modules/$FHIR_EXAMPLES_PACKAGE"

export DEBIAN_FRONTEND=noninteractive
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

PG_TMP=""      # throwaway cluster folder, removed on exit
PG_BIN=""
PG_PORT=""

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'test.sh: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root to run: $*"
  fi
}

apt_updated=0
apt_install() {
  if [[ $apt_updated -eq 0 ]]; then
    log "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    apt_updated=1
  fi
  log "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Debian keeps the server binaries off PATH, under /usr/lib/postgresql/<major>/bin.
add_postgres_to_path() {
  local dir
  for dir in /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [[ -x "$dir/initdb" ]]; then PATH="$dir:$PATH"; return; fi
  done
}

ensure_postgres() {
  add_postgres_to_path
  if ! command -v initdb >/dev/null || ! command -v pg_ctl >/dev/null; then
    apt_install postgresql
    add_postgres_to_path
  fi
  command -v initdb >/dev/null && command -v pg_ctl >/dev/null || die "initdb/pg_ctl not found after installing postgresql"
  PG_BIN="$(dirname "$(command -v initdb)")"
  export PATH
}

ensure_fhir_examples() {
  local dir="$FHIR_EXAMPLES_DIR_DEFAULT"
  if [[ -f "$dir/Patient-example.json" ]] && grep -q "\"version\" *: *\"$FHIR_EXAMPLES_VERSION\"" "$dir/package.json" 2>/dev/null; then
    :
  else
    command -v npm >/dev/null || apt_install npm
    log "npm install $FHIR_EXAMPLES_PACKAGE@$FHIR_EXAMPLES_VERSION into ${FHIR_EXAMPLES_PREFIX#"$ROOT"/}"
    mkdir -p "$FHIR_EXAMPLES_PREFIX"
    # A package.json of its own keeps npm from walking up to another project.
    [[ -f "$FHIR_EXAMPLES_PREFIX/package.json" ]] || printf '{ "private": true }\n' >"$FHIR_EXAMPLES_PREFIX/package.json"
    npm install --prefix "$FHIR_EXAMPLES_PREFIX" --no-audit --no-fund --no-save --no-package-lock \
      --loglevel=error "$FHIR_EXAMPLES_PACKAGE@$FHIR_EXAMPLES_VERSION" >&2
    [[ -f "$dir/Patient-example.json" ]] || die "$FHIR_EXAMPLES_PACKAGE installed but $dir/Patient-example.json is missing"
  fi
  export FHIR_R4_EXAMPLES_DIR="$dir"
}

# ---------------------------------------------------------------------------------------
# TODO(browser tests, later issue): Chromium for Playwright goes here. Install Debian's
# `chromium` (apt_install chromium) if /usr/bin/chromium is missing and export its path
# for the tests; never let Playwright download a browser.
ensure_browser() {
  :
}
# ---------------------------------------------------------------------------------------

free_port() {
  if command -v python3 >/dev/null; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
    return
  fi
  local port i
  for i in $(seq 1 200); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  die "no free TCP port found"
}

# PostgreSQL refuses to run as root: run its tools as the postgres OS user then.
as_pg() {
  if [[ $(id -u) -eq 0 ]]; then
    (cd "$PG_TMP" && runuser -u postgres -- "$@")
  else
    (cd "$PG_TMP" && "$@")
  fi
}

stop_postgres() {
  [[ -n "$PG_TMP" && -d "$PG_TMP" ]] || return 0
  if [[ -f "$PG_TMP/data/postmaster.pid" ]]; then
    as_pg "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m fast -w -t 30 stop >/dev/null 2>&1 \
      || as_pg "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m immediate -w -t 30 stop >/dev/null 2>&1 \
      || true
  fi
  rm -rf "$PG_TMP"
  PG_TMP=""
}

start_postgres() {
  PG_TMP="$(mktemp -d -t telehealth-pg.XXXXXX)"
  if [[ $(id -u) -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || die "OS user 'postgres' is missing (it comes with the postgresql package)"
    chown postgres: "$PG_TMP"
  fi
  mkdir -p "$PG_TMP/sock"
  [[ $(id -u) -ne 0 ]] || chown postgres: "$PG_TMP/sock"

  as_pg "$PG_BIN/initdb" -D "$PG_TMP/data" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >"$PG_TMP/initdb.log" 2>&1 \
    || { cat "$PG_TMP/initdb.log" >&2; die "initdb failed"; }

  local attempt
  for attempt in 1 2 3 4 5; do
    PG_PORT="$(free_port)"
    cat >>"$PG_TMP/data/postgresql.conf" <<EOF
# throwaway test cluster (test.sh)
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_TMP/sock'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    log "starting throwaway PostgreSQL on 127.0.0.1:$PG_PORT ($PG_TMP)"
    if as_pg "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/postgres.log" -W start >/dev/null \
       && wait_for_postgres 60; then
      break
    fi
    as_pg "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m immediate -w -t 10 stop >/dev/null 2>&1 || true
    [[ $attempt -lt 5 ]] || { tail -n 30 "$PG_TMP/postgres.log" >&2 || true; die "PostgreSQL did not start"; }
    log "PostgreSQL did not come up on port $PG_PORT; trying another port"
  done

  as_pg "$PG_BIN/psql" -h "$PG_TMP/sock" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt \
    -c "CREATE ROLE telehealth LOGIN SUPERUSER CREATEDB PASSWORD 'telehealth';" >/dev/null

  export TELEHEALTH_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=telehealth;Password=telehealth;Database=postgres"
}

# Polls pg_isready until the server accepts connections or the deadline passes.
wait_for_postgres() {
  local started=$SECONDS deadline=$((SECONDS + $1))
  while ((SECONDS < deadline)); do
    if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -d postgres -t 2; then return 0; fi
    # The server removes its pid file when it gives up (e.g. port taken): no use waiting.
    if ((SECONDS - started >= 3)) && [[ ! -f "$PG_TMP/data/postmaster.pid" ]]; then return 1; fi
    sleep 0.2
  done
  return 1
}

# Sums an attribute of the <Counters .../> element over every trx file.
sum_counter() {
  local name="$1" total=0 value file
  for file in "$RESULTS"/*.trx; do
    [[ -f "$file" ]] || continue
    value="$(grep -o '<Counters [^>]*>' "$file" | head -n 1 | sed -n "s/.* $name=\"\([0-9]*\)\".*/\1/p")"
    total=$((total + ${value:-0}))
  done
  echo "$total"
}

report() {
  local dotnet_rc="$1" passed failed
  passed="$(sum_counter passed)"
  failed=$(( $(sum_counter failed) + $(sum_counter error) + $(sum_counter timeout) + $(sum_counter aborted) ))
  if [[ $dotnet_rc -ne 0 && $failed -eq 0 ]]; then
    # Build error or a crashed test host: no failing test recorded, still a failure.
    log "dotnet test exited with code $dotnet_rc without a failed test in the results (build error or test host crash)"
    failed=1
  fi
  if ! compgen -G "$RESULTS/*.trx" >/dev/null; then
    log "no test results were written to ${RESULTS#"$ROOT"/}"
  fi
  echo
  echo "$passed passed, $failed failed"
  [[ $failed -eq 0 && $dotnet_rc -eq 0 ]]
}

main() {
  cd "$ROOT"
  command -v dotnet >/dev/null || die "the .NET 10 SDK (dotnet) is required"

  ensure_postgres
  ensure_fhir_examples
  ensure_browser          # Chromium/Playwright: see ensure_browser (later issue)

  trap stop_postgres EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  start_postgres
  log "TELEHEALTH_TEST_POSTGRES=$TELEHEALTH_TEST_POSTGRES"
  log "FHIR_R4_EXAMPLES_DIR=$FHIR_R4_EXAMPLES_DIR"

  rm -rf "$RESULTS"
  mkdir -p "$RESULTS"
  local rc=0
  dotnet test Telehealth.slnx -c Release \
    --logger "trx;LogFilePrefix=r" \
    --logger "console;verbosity=${TEST_CONSOLE_VERBOSITY:-minimal}" \
    --results-directory "$RESULTS" \
    "$@" || rc=$?

  report "$rc"
}

# Sourcing the file (e.g. to try one function) defines the functions and runs nothing.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
