#!/usr/bin/env bash
# Benchmarks the record service on PostgreSQL on this machine (never run by ./test.sh or CI).
#
#   bench/run-fhir-bench.sh                      # 100k and 1M resources, 8 clients, 20 s per measurement
#   PATIENTS=1000,10000 SECONDS_EACH=5 REPEAT=1 bench/run-fhir-bench.sh   # a quick look
#   PG_EXPLAIN_SLOW_MS=30 bench/run-fhir-bench.sh  # also keep plans of statements over 30 ms (bench/results/postgres-slow.log)
#   PG_STAT_STATEMENTS=1 bench/run-fhir-bench.sh # also count each statement's time (pg_stat_statements; see it while HOLD=1)
#   HOLD=1 bench/run-fhir-bench.sh               # keep the cluster and services up afterwards (for EXPLAIN) until Ctrl-C;
#                                                # bench/results/tokens.txt then has the service's, the doctor's and the patient's tokens
#
# Starts a durable throwaway PostgreSQL (fsync on), the identity service (SQLite, demo clients and accounts), the
# record service (Release) on PostgreSQL checking tokens against it, a second record-service instance on the same
# database with token checks off (the Benchmark environment), a third on a second database that finally gets the first
# size's data (the searches at both sizes then run side by side), and the load driver in bench/Telehealth.Fhir.Bench,
# which loads generated Vietnamese data through the API and measures. Results are printed and appended to
# bench/results/<date>.md; copy the figures into docs/PERFORMANCE.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/scripts/throwaway-postgres.sh"
source "$ROOT/scripts/services.sh"

PATIENTS="${PATIENTS:-10000,100000}"
CLIENTS="${CLIENTS:-8}"
SECONDS_EACH="${SECONDS_EACH:-20}"
# Rounds of the last stage (both sizes side by side), summed up by the median ratio: one round's ratios move by ±10 %.
REPEAT="${REPEAT:-3}"
OUT="$ROOT/bench/results/$(date -u +%Y-%m-%d-%H%M).md"
PIDS=()
WORK="$(mktemp -d -t telehealth-bench.XXXXXX)"

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  # Slow-statement plans (PG_EXPLAIN_SLOW_MS) outlive the throwaway cluster.
  [[ -z "${PG_EXPLAIN_SLOW_MS:-}" || ! -f "${PG_LOG:-}" ]] || cp "$PG_LOG" "$ROOT/bench/results/postgres-slow.log"
  stop_postgres
  rm -rf "$WORK"
}
trap cleanup EXIT

ensure_postgres
PG_DURABLE=1 start_postgres
PG_LOG="$PG_TMP/postgres.log"
DB="Host=127.0.0.1;Port=$PG_PORT;Username=telehealth;Password=telehealth;Database=fhir_bench"
as_pg "$PG_BIN/psql" -h "$PG_TMP/sock" -p "$PG_PORT" -U postgres -qAt -c "CREATE DATABASE fhir_bench OWNER telehealth;" >/dev/null
# The second database: the first size's data only, for the searches at both sizes side by side at the end.
SMALL_DB="${DB/Database=fhir_bench/Database=fhir_bench_small}"
as_pg "$PG_BIN/psql" -h "$PG_TMP/sock" -p "$PG_PORT" -U postgres -qAt -c "CREATE DATABASE fhir_bench_small OWNER telehealth;" >/dev/null

log "building (Release)"
dotnet build Telehealth.Fhir/Telehealth.Fhir.csproj -c Release -v q -nologo >/dev/null
dotnet build identity/Telehealth.Identity/Telehealth.Identity.csproj -c Release -v q -nologo >/dev/null
dotnet build bench/Telehealth.Fhir.Bench/Telehealth.Fhir.Bench.csproj -c Release -v q -nologo >/dev/null

mkdir -p "$ROOT/bench/results"

ID_PORT="$(free_port)"
IDENTITY="http://127.0.0.1:$ID_PORT"
log "starting the identity service on $IDENTITY (SQLite in $WORK)"
# The demo commune doctor works at the bench data's first station, so the access rules give them every sixth patient;
# the demo patient's record is the bench's patient 24 (DataGenerator.PatientId).
(cd "$ROOT/identity/Telehealth.Identity" && exec env ASPNETCORE_URLS="$IDENTITY" Identity__Issuer="$IDENTITY" \
  Identity__Storage__Provider=Sqlite Identity__Storage__ConnectionString="Data Source=$WORK/identity.db" \
  Identity__KeyFolder="$WORK/keys" Demo__Load=true "Demo__Accounts__bs.xa__Organization=Organization/tram-phu-tuc" \
  "Demo__Accounts__benhnhan__FhirUser=Patient/bn-0000024" \
  Logging__LogLevel__Default=Warning \
  dotnet "$ROOT/identity/Telehealth.Identity/bin/Release/net10.0/Telehealth.Identity.dll" >"$ROOT/bench/results/identity.log" 2>&1) &
PIDS+=($!)
wait_until_up "$!" "$IDENTITY/.well-known/openid-configuration" bench/results/identity.log "identity service"

# Starts a record-service instance (Release, on PostgreSQL) on a free port, with the extra settings given as NAME=value;
# sets INSTANCE_PORT and INSTANCE_PID (env runs dotnet in its own process, so the pid is the instance's).
start_instance() {
  local what="$1" logfile="$2" database="$3"; shift 3
  INSTANCE_PORT="$(free_port)"
  log "starting $what on 127.0.0.1:$INSTANCE_PORT"
  env ASPNETCORE_URLS="http://127.0.0.1:$INSTANCE_PORT" Fhir__Storage__Provider=Postgres \
    Fhir__Storage__ConnectionString="$database;Maximum Pool Size=40" Logging__LogLevel__Default=Warning "$@" \
    dotnet "$ROOT/Telehealth.Fhir/bin/Release/net10.0/Telehealth.Fhir.dll" >"$ROOT/$logfile" 2>&1 &
  INSTANCE_PID=$!
  PIDS+=("$INSTANCE_PID")
  wait_until_up "$INSTANCE_PID" "http://127.0.0.1:$INSTANCE_PORT/fhir/metadata" "$logfile" "$what"
}

start_instance "record service (PostgreSQL $PG_PORT, tokens from $IDENTITY)" bench/results/service.log "$DB" \
  Fhir__Auth__Authority="$IDENTITY"
PORT=$INSTANCE_PORT SERVICE_PID=$INSTANCE_PID
start_instance "second instance with token checks off (same database)" bench/results/unchecked.log "$DB" \
  ASPNETCORE_ENVIRONMENT=Benchmark Fhir__Auth__Disabled=true
UNCHECKED_PORT=$INSTANCE_PORT UNCHECKED_PID=$INSTANCE_PID
start_instance "third instance on the second database (fhir_bench_small, checking tokens)" bench/results/small.log "$SMALL_DB" \
  Fhir__Auth__Authority="$IDENTITY"
SMALL_PORT=$INSTANCE_PORT SMALL_PID=$INSTANCE_PID
# Every row also reports the CPU each request cost the instance and PostgreSQL (from /proc).
POSTMASTER_PID="$(head -n 1 "$PG_TMP/data/postmaster.pid")"

BENCH_TOKENS="${HOLD:+$ROOT/bench/results/tokens.txt}" dotnet "$ROOT/bench/Telehealth.Fhir.Bench/bin/Release/net10.0/Telehealth.Fhir.Bench.dll" \
  --fhir "http://127.0.0.1:$PORT/fhir" --unchecked "http://127.0.0.1:$UNCHECKED_PORT/fhir" --identity "$IDENTITY" --pg "$DB" --patients "$PATIENTS" --clients "$CLIENTS" \
  --seconds "$SECONDS_EACH" --out "$OUT" --service-pid "$SERVICE_PID" --unchecked-pid "$UNCHECKED_PID" --postgres-pid "$POSTMASTER_PID" \
  --small-fhir "http://127.0.0.1:$SMALL_PORT/fhir" --small-pg "$SMALL_DB" --small-pid "$SMALL_PID" --repeat "$REPEAT"
log "results appended to ${OUT#"$ROOT"/}"
if [[ -n "${HOLD:-}" ]]; then
  log "holding: psql -h $PG_TMP/sock -p $PG_PORT -U postgres fhir_bench; record service http://127.0.0.1:$PORT/fhir; Ctrl-C ends"
  sleep infinity
fi
