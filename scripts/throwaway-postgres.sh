#!/usr/bin/env bash
# Sourced by test.sh and bench/run-fhir-bench.sh: a throwaway PostgreSQL cluster in a temporary folder on a
# free loopback port, installed from Debian's packages when missing. Set PG_DURABLE=1 before start_postgres
# for a cluster that really syncs to disk (benchmarks); tests run without fsync.
# Exports TELEHEALTH_TEST_POSTGRES (a superuser connection string) once started.

PG_TMP=""      # throwaway cluster folder, removed by stop_postgres
PG_BIN=""
PG_PORT=""
PG_DURABLE="${PG_DURABLE:-0}"
PG_HUGE_PAGES_BEFORE=""   # vm.nr_hugepages before reserve_huge_pages raised it; restored by stop_postgres
# shared_buffers of the durable (benchmark) cluster: a quarter of the machine's memory, the starting point PostgreSQL's
# documentation gives for a dedicated server and what compose/README.md advises (PG_BUFFERS_MB overrides). Until run AD
# it was 2 GB on this 24 GiB machine, under the 4.7 GB a 1M database grows to with its audit trail: there the token and
# reference searches fetched their index rows' table pages from outside the buffers (3 buffer reads per token search
# at 1M, 0.04 at 100k), which made them the two searches slower at 1M (docs/PERFORMANCE.md, run AD).
PG_DURABLE_BUFFERS_MB="${PG_BUFFERS_MB:-$(awk '/^MemTotal:/ {print int($2 / 1024 / 4)}' /proc/meminfo)}"
apt_updated=0

log() { printf '==> %s\n' "$*" >&2; }

die() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root to run: $*"
  fi
}

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
  if [[ -n "$PG_HUGE_PAGES_BEFORE" ]]; then
    echo "$PG_HUGE_PAGES_BEFORE" >/proc/sys/vm/nr_hugepages 2>/dev/null || true
    PG_HUGE_PAGES_BEFORE=""
  fi
}

# The benchmark cluster's shared memory (PG_DURABLE_BUFFERS_MB of buffers) in 2 MB huge pages, as PostgreSQL's documentation advises
# for large shared_buffers: with 4 kB pages each backend takes a page fault the first time it touches each page of
# the buffers, and on this kind of virtual machine a fault is dear. Measured on a held 100k database, alternating
# restarts: creates 501-532/s without, 799-936/s with (docs/PERFORMANCE.md). Needs root (vm.nr_hugepages); without
# it the cluster runs on ordinary pages (huge_pages = try) and says so.
reserve_huge_pages() {
  local size_kb pages have
  size_kb="$(awk '/^Hugepagesize:/ {print $2}' /proc/meminfo 2>/dev/null)"
  [[ -n "$size_kb" && -w /proc/sys/vm/nr_hugepages ]] || { log "huge pages not available here: PostgreSQL uses ordinary pages"; return 0; }
  # PostgreSQL says how many it needs for its configuration (15 and later); otherwise the buffers and a margin.
  pages="$(as_pg "$PG_BIN/postgres" -D "$PG_TMP/data" -C shared_memory_size_in_huge_pages 2>/dev/null || true)"
  [[ "$pages" =~ ^[0-9]+$ && "$pages" -gt 0 ]] || pages=$(( (PG_DURABLE_BUFFERS_MB * 105 / 100 + 160) * 1024 / size_kb ))
  have="$(cat /proc/sys/vm/nr_hugepages)"
  if (( have < pages )); then
    echo "$pages" >/proc/sys/vm/nr_hugepages 2>/dev/null || true
    [[ -n "$PG_HUGE_PAGES_BEFORE" ]] || PG_HUGE_PAGES_BEFORE="$have"
  fi
  log "huge pages reserved for PostgreSQL: $(cat /proc/sys/vm/nr_hugepages) of ${size_kb} kB (it needs $pages)"
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
EOF
    if [[ "$PG_DURABLE" == 1 ]]; then
      cat >>"$PG_TMP/data/postgresql.conf" <<EOF
shared_buffers = ${PG_DURABLE_BUFFERS_MB}MB
effective_cache_size = 8GB
max_wal_size = 8GB
huge_pages = try
EOF
      # PG_EXPLAIN_SLOW_MS: log the plan of every statement slower than that (auto_explain), to see why.
      if [[ -n "${PG_EXPLAIN_SLOW_MS:-}" ]]; then
        cat >>"$PG_TMP/data/postgresql.conf" <<EOF
session_preload_libraries = 'auto_explain'
auto_explain.log_min_duration = '${PG_EXPLAIN_SLOW_MS}ms'
auto_explain.log_analyze = on
EOF
      fi
      # PG_STAT_STATEMENTS=1: count every statement's time and buffers (pg_stat_statements), to see where it goes.
      if [[ -n "${PG_STAT_STATEMENTS:-}" ]]; then
        cat >>"$PG_TMP/data/postgresql.conf" <<EOF
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = all
EOF
      fi
    else
      cat >>"$PG_TMP/data/postgresql.conf" <<EOF
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    fi
    [[ "$PG_DURABLE" != 1 ]] || reserve_huge_pages
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
  if [[ "$PG_DURABLE" == 1 ]]; then
    log "PostgreSQL's shared memory: $(awk '/^HugePages_(Total|Free|Rsvd):/ {v[$1]=$2} END {u=v["HugePages_Total:"]-v["HugePages_Free:"]+v["HugePages_Rsvd:"]; print (u > 0 ? u " huge pages" : "ordinary pages")}' /proc/meminfo)"
  fi

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
