#!/usr/bin/env bash
# Starts the platform on this machine: SQLite files under data/, demo data loaded.
# For now that is the identity service, the FHIR record service and the scheduling core's
# gRPC host (token checks and its first service); the web app joins them in a later issue.
# Ctrl-C stops everything this script started.
#
# Environment: FHIR_PORT (default 5082), IDENTITY_PORT (default 5081), API_PORT (default 5084).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
FHIR_PORT="${FHIR_PORT:-5082}"
DATA="$ROOT/data"                  # git-ignored
LOGS="$DATA/logs"
FHIR_DB="$DATA/fhir.db"
FHIR_LOG="$LOGS/fhir.log"
FHIR_BASE="http://127.0.0.1:$FHIR_PORT/fhir"
IDENTITY_PORT="${IDENTITY_PORT:-5081}"
IDENTITY_DB="$DATA/identity.db"
IDENTITY_KEYS="$DATA/identity-keys"  # token signing/encryption keys: keep them and tokens survive a restart
IDENTITY_LOG="$LOGS/identity.log"
IDENTITY_URL="http://127.0.0.1:$IDENTITY_PORT"
API_PORT="${API_PORT:-5084}"
API_URL="http://127.0.0.1:$API_PORT"
API_LOG="$LOGS/api.log"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }

cd "$ROOT"
command -v dotnet >/dev/null || die "the .NET 10 SDK (dotnet) is required"
command -v curl >/dev/null || die "curl is required (apt-get install curl)"
mkdir -p "$DATA" "$LOGS"

source "$ROOT/scripts/services.sh"
for var in FHIR_PORT IDENTITY_PORT API_PORT; do
  if port_open "${!var}"; then die "port ${!var} is already in use (another ./run.sh?); stop it or set $var"; fi
done

log "building the record service (Release)"
dotnet build Telehealth.Fhir -c Release -v quiet -nologo
log "building the identity service (Release)"
dotnet build identity/Telehealth.Identity -c Release -v quiet -nologo
log "building the scheduling core (Release)"
dotnet build Telehealth.Api -c Release -v quiet -nologo

FHIR_PID=""
IDENTITY_PID=""
API_PID=""
# Stops one service's process group (TERM, then KILL after 15 s).
stop_group() {
  local pid="$1" name="$2"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  log "stopping the $name"
  kill -TERM -- "-$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 15))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  kill -KILL -- "-$pid" 2>/dev/null || true
}
stop_services() {
  trap - INT TERM EXIT
  stop_group "$API_PID" "scheduling core"
  stop_group "$FHIR_PID" "record service"
  stop_group "$IDENTITY_PID" "identity service"
  API_PID="" FHIR_PID="" IDENTITY_PID=""
}
trap stop_services EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start_service PROJECT LOGFILE [NAME=VALUE...]: `dotnet run` of an already built project in the background, in
# its own process group (setsid), so stopping the group also stops the app `dotnet run` launched. $! is its PID.
start_service() {
  local project="$1" logfile="$2"
  shift 2
  env ASPNETCORE_ENVIRONMENT=Development "$@" \
    setsid dotnet run --project "$project" -c Release --no-build --no-launch-profile >"$logfile" 2>&1 </dev/null &
}

# The identity service first: the record service checks every token against its keys, and the demo loader
# signs in to it as the demo-system client.
log "starting the identity service on $IDENTITY_URL (log: ${IDENTITY_LOG#"$ROOT"/})"
start_service identity/Telehealth.Identity "$IDENTITY_LOG" ASPNETCORE_URLS="$IDENTITY_URL" Identity__Issuer="$IDENTITY_URL" \
  Identity__Storage__Provider=Sqlite Identity__Storage__ConnectionString="Data Source=$IDENTITY_DB" \
  Identity__KeyFolder="$IDENTITY_KEYS" Demo__Load=true
IDENTITY_PID=$!

wait_until_up "$IDENTITY_PID" "$IDENTITY_URL/.well-known/openid-configuration" "$IDENTITY_LOG" "identity service"

log "starting the record service on $FHIR_BASE (log: ${FHIR_LOG#"$ROOT"/})"
start_service Telehealth.Fhir "$FHIR_LOG" ASPNETCORE_URLS="http://127.0.0.1:$FHIR_PORT" \
  Fhir__Storage__Provider=Sqlite Fhir__Storage__ConnectionString="Data Source=$FHIR_DB" Fhir__Auth__Authority="$IDENTITY_URL" \
  Demo__Load=true Demo__Client__ClientId=demo-system Demo__Client__ClientSecret=demo-system-secret
FHIR_PID=$!
wait_until_up "$FHIR_PID" "$FHIR_BASE/metadata" "$FHIR_LOG" "record service"

log "starting the scheduling core on $API_URL, gRPC over HTTP/2 (log: ${API_LOG#"$ROOT"/})"
start_service Telehealth.Api "$API_LOG" ASPNETCORE_URLS="$API_URL" Kestrel__EndpointDefaults__Protocols=Http2 \
  Api__Auth__Authority="$IDENTITY_URL"
API_PID=$!
wait_until_up "$API_PID" "$API_PORT" "$API_LOG" "scheduling core"

rule='════════════════════════════════════════════════════════════════════════'
cat <<EOF

$rule
  Nền tảng khám chữa bệnh từ xa đang chạy / Telehealth platform is running
$rule

  Dịch vụ hồ sơ FHIR / FHIR record service (FHIR R4, JSON)
    $FHIR_BASE
    Bản mô tả năng lực / CapabilityStatement:  $FHIR_BASE/metadata

  Mọi yêu cầu cần mã truy cập / Every request needs an access token, e.g.:
    TOKEN=\$(curl -s -d grant_type=client_credentials -d client_id=demo-system \\
      -d client_secret=demo-system-secret -d scope='system/*.rs' $IDENTITY_URL/connect/token \\
      | tr -d ' \\n' | sed 's/.*"access_token":"\\([^"]*\\)".*/\\1/')
    curl -H "Authorization: Bearer \$TOKEN" '$FHIR_BASE/Patient?name=nguyen'
    SMART: $FHIR_BASE/.well-known/smart-configuration

  Lịch hẹn / Scheduling core (gRPC, HTTP/2; hợp đồng / contract: Telehealth.Api/Protos)
    $API_URL
    telehealth.api.v1.Callers/GetCurrentCaller: ai đang gọi / who is calling
      (mã truy cập có phạm vi "api" / needs a token with the scope "api")

  Đăng nhập / Identity (OpenID Connect)
    $IDENTITY_URL
    Cấu hình / Discovery:  $IDENTITY_URL/.well-known/openid-configuration
    Trang đăng nhập / Sign-in page:  $IDENTITY_URL/account/login   (?lang=en)
    Quản trị nhân viên / Staff administration:  $IDENTITY_URL/admin/staff   (quantri, admin)
    Xác thực hai bước / Two-step verification:  $IDENTITY_URL/account/setup
      Bản demo không bắt buộc; khi vận hành thật, nhân viên bắt buộc dùng.
      Optional in this demo; required for staff in production.

  Tài khoản mẫu / Demo logins (mật khẩu / password: Telehealth@2026)
    tài khoản / user   vai trò / role
    bs.xa              commune_doctor   Practitioner/bs-tran-van-phuoc, TYT Phú Túc
    bs.chuyenkhoa      specialist       Practitioner/bs-ngo-van-tai, BV Chợ Rẫy
    dieuphoi           coordinator      Practitioner/dp-le-thi-hoa, BV Chợ Rẫy
    benhnhan           patient          Patient/bn-083058004217 (Nguyễn Văn An)
    quantri            facility_admin   Practitioner/qt-vo-minh-tuan, TYT Phú Túc
    admin              platform_admin
  Ứng dụng mẫu / Demo clients: telehealth-web, smart-demo (PKCE),
    demo-system (client credentials, secret demo-system-secret)

  Dữ liệu / Data (SQLite, dữ liệu mẫu / demo data)
    $FHIR_DB
    $IDENTITY_DB   (khóa / keys: $IDENTITY_KEYS)
  Nhật ký / Logs
    $FHIR_LOG
    $IDENTITY_LOG
    $API_LOG

  Sắp có / Coming in later issues:
    đặt lịch, hội chẩn, video, ứng dụng web
    bookings, consult workflow, video, the web app

  Nhấn Ctrl-C để dừng / Press Ctrl-C to stop
$rule

EOF

# Whichever service stops first ends the run (and the trap stops the others).
rc=0
wait -n "$FHIR_PID" "$IDENTITY_PID" "$API_PID" || rc=$?
if ! kill -0 "$IDENTITY_PID" 2>/dev/null; then
  die "the identity service stopped (exit code $rc); see $IDENTITY_LOG"
fi
if ! kill -0 "$API_PID" 2>/dev/null; then
  die "the scheduling core stopped (exit code $rc); see $API_LOG"
fi
die "the record service stopped (exit code $rc); see $FHIR_LOG"
