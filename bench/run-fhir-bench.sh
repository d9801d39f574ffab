#!/usr/bin/env bash
# Benchmarks the record service on PostgreSQL on this machine (never run by ./test.sh or CI).
#
#   bench/run-fhir-bench.sh                      # 100k and 1M resources, 8 clients, 20 s per measurement
#   PATIENTS=1000,10000 SECONDS_EACH=5 bench/run-fhir-bench.sh   # a quick look
#
# Starts a durable throwaway PostgreSQL (fsync on), the record service (Release) on it, and the load driver in
# bench/Telehealth.Fhir.Bench, which loads generated Vietnamese data through the API and measures. Results are
# printed and appended to bench/results/<date>.md; copy the figures into docs/PERFORMANCE.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/scripts/throwaway-postgres.sh"

PATIENTS="${PATIENTS:-10000,100000}"
CLIENTS="${CLIENTS:-8}"
SECONDS_EACH="${SECONDS_EACH:-20}"
OUT="$ROOT/bench/results/$(date -u +%Y-%m-%d-%H%M).md"
SERVICE_PID=""

cleanup() {
  [[ -z "$SERVICE_PID" ]] || kill "$SERVICE_PID" 2>/dev/null || true
  [[ -z "$SERVICE_PID" ]] || wait "$SERVICE_PID" 2>/dev/null || true
  stop_postgres
}
trap cleanup EXIT

ensure_postgres
PG_DURABLE=1 start_postgres
DB="Host=127.0.0.1;Port=$PG_PORT;Username=telehealth;Password=telehealth;Database=fhir_bench"
as_pg "$PG_BIN/psql" -h "$PG_TMP/sock" -p "$PG_PORT" -U postgres -qAt -c "CREATE DATABASE fhir_bench OWNER telehealth;" >/dev/null

log "building (Release)"
dotnet build Telehealth.Fhir/Telehealth.Fhir.csproj -c Release -v q -nologo >/dev/null
dotnet build bench/Telehealth.Fhir.Bench/Telehealth.Fhir.Bench.csproj -c Release -v q -nologo >/dev/null

PORT="$(free_port)"
mkdir -p "$ROOT/bench/results"
log "starting the record service on 127.0.0.1:$PORT (PostgreSQL $PG_PORT)"
ASPNETCORE_URLS="http://127.0.0.1:$PORT" Fhir__Storage__Provider=Postgres \
  Fhir__Storage__ConnectionString="$DB;Maximum Pool Size=64" Logging__LogLevel__Default=Warning \
  dotnet "$ROOT/Telehealth.Fhir/bin/Release/net10.0/Telehealth.Fhir.dll" >"$ROOT/bench/results/service.log" 2>&1 &
SERVICE_PID=$!
deadline=$((SECONDS + 120))
until curl -sf "http://127.0.0.1:$PORT/fhir/metadata" -o /dev/null; do
  ((SECONDS < deadline)) || die "the record service did not start; see bench/results/service.log"
  sleep 0.5
done

dotnet "$ROOT/bench/Telehealth.Fhir.Bench/bin/Release/net10.0/Telehealth.Fhir.Bench.dll" \
  --fhir "http://127.0.0.1:$PORT/fhir" --pg "$DB" --patients "$PATIENTS" --clients "$CLIENTS" \
  --seconds "$SECONDS_EACH" --out "$OUT"
log "results appended to ${OUT#"$ROOT"/}"
