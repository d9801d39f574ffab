#!/usr/bin/env bash
# Starts the platform on this machine: SQLite files under data/, demo data loaded.
# For now that is the FHIR record service; identity, scheduling and the web app join
# it in later issues. Ctrl-C stops everything this script started.
#
# Environment: FHIR_PORT (default 5082).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
FHIR_PORT="${FHIR_PORT:-5082}"
DATA="$ROOT/data"                  # git-ignored
LOGS="$DATA/logs"
FHIR_DB="$DATA/fhir.db"
FHIR_LOG="$LOGS/fhir.log"
FHIR_BASE="http://127.0.0.1:$FHIR_PORT/fhir"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }

cd "$ROOT"
command -v dotnet >/dev/null || die "the .NET 10 SDK (dotnet) is required"
command -v curl >/dev/null || die "curl is required (apt-get install curl)"
mkdir -p "$DATA" "$LOGS"

if (exec 3<>"/dev/tcp/127.0.0.1/$FHIR_PORT") 2>/dev/null; then
  die "port $FHIR_PORT is already in use (another ./run.sh?); stop it or set FHIR_PORT"
fi

log "building the record service (Release)"
dotnet build Telehealth.Fhir -c Release -v quiet -nologo

FHIR_PID=""
stop_services() {
  trap - INT TERM EXIT
  [[ -n "$FHIR_PID" ]] || return 0
  if kill -0 "$FHIR_PID" 2>/dev/null; then
    log "stopping the record service"
    kill -TERM -- "-$FHIR_PID" 2>/dev/null || true
    local deadline=$((SECONDS + 15))
    while kill -0 "$FHIR_PID" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    kill -KILL -- "-$FHIR_PID" 2>/dev/null || true
  fi
  FHIR_PID=""
}
trap stop_services EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "starting the record service on $FHIR_BASE (log: ${FHIR_LOG#"$ROOT"/})"
# setsid: its own process group, so stopping it also stops the app `dotnet run` launched.
ASPNETCORE_URLS="http://127.0.0.1:$FHIR_PORT" \
ASPNETCORE_ENVIRONMENT=Development \
Fhir__Storage__Provider=Sqlite \
Fhir__Storage__ConnectionString="Data Source=$FHIR_DB" \
Demo__Load=true \
  setsid dotnet run --project Telehealth.Fhir -c Release --no-build --no-launch-profile \
  >"$FHIR_LOG" 2>&1 </dev/null &
FHIR_PID=$!

deadline=$((SECONDS + 120))
until curl -sf -o /dev/null "$FHIR_BASE/metadata"; do
  if ! kill -0 "$FHIR_PID" 2>/dev/null; then
    tail -n 40 "$FHIR_LOG" >&2 || true
    die "the record service exited during start-up (log: $FHIR_LOG)"
  fi
  if ((SECONDS >= deadline)); then
    tail -n 40 "$FHIR_LOG" >&2 || true
    die "the record service did not answer $FHIR_BASE/metadata within 120 s"
  fi
  sleep 0.5
done

rule='════════════════════════════════════════════════════════════════════════'
cat <<EOF

$rule
  Nền tảng khám chữa bệnh từ xa đang chạy / Telehealth platform is running
$rule

  Dịch vụ hồ sơ FHIR / FHIR record service (FHIR R4, JSON)
    $FHIR_BASE
    Bản mô tả năng lực / CapabilityStatement:  $FHIR_BASE/metadata

  Ví dụ / Examples
    $FHIR_BASE/Patient?name=nguyen
    $FHIR_BASE/Organization
    $FHIR_BASE/Practitioner

  Dữ liệu / Data (SQLite, dữ liệu mẫu / demo data)
    $FHIR_DB
  Nhật ký / Log
    $FHIR_LOG

  Sắp có / Coming in later issues:
    đăng nhập (identity), lịch hẹn (scheduling), ứng dụng web (web app)
    logins (identity), scheduling and the web app

  Nhấn Ctrl-C để dừng / Press Ctrl-C to stop
$rule

EOF

rc=0
wait "$FHIR_PID" || rc=$?
FHIR_PID=""
die "the record service stopped (exit code $rc); see $FHIR_LOG"
