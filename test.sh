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
#        TEST_CONFIGURATION=Debug ./test.sh          (builds Debug; Release binaries, e.g. a running bench, stay untouched)
#
# Environment it exports to the tests:
#   TELEHEALTH_TEST_POSTGRES  connection string of a superuser on the throwaway cluster;
#                             tests create (and drop) their own databases from it.
#   FHIR_R4_EXAMPLES_DIR      folder holding the R4 examples, one resource per file,
#                             named <ResourceType>-<id>.json (e.g. Patient-example.json).
#   OIDC_PROVIDER_DIR         the npm package oidc-provider (its folder), which the identity
#                             tests run under Node as a hospital's own login server.
#   OPENID_CLIENT_DIR         npm prefix holding openid-client (the identity tests run a script from it).
#   CHROMIUM_PATH             Debian's chromium, for the Playwright browser tests.
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

# Pinned: `npm view oidc-provider version` showed 9.13.3 on 2026-11-23.
OIDC_PROVIDER_VERSION="9.13.3"
OIDC_PROVIDER_PREFIX="$CACHE/npm-oidc"
OIDC_PROVIDER_DIR_DEFAULT="$OIDC_PROVIDER_PREFIX/node_modules/oidc-provider"

export DEBIAN_FRONTEND=noninteractive
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Throwaway PostgreSQL (start_postgres, stop_postgres, ensure_postgres), apt and logging helpers.
source "$ROOT/scripts/throwaway-postgres.sh"

# Installs <package>@<version> from npm under <prefix> unless that version is there already.
npm_package() {
  local prefix="$1" package="$2" version="$3"
  if ! grep -q "\"version\" *: *\"$version\"" "$prefix/node_modules/$package/package.json" 2>/dev/null; then
    command -v npm >/dev/null || apt_install npm
    log "npm install $package@$version into ${prefix#"$ROOT"/}"
    mkdir -p "$prefix"
    # A package.json of its own keeps npm from walking up to another project.
    [[ -f "$prefix/package.json" ]] || printf '{ "private": true }\n' >"$prefix/package.json"
    npm install --prefix "$prefix" --no-audit --no-fund --no-save --no-package-lock --loglevel=error \
      "$package@$version" >&2
    [[ -f "$prefix/node_modules/$package/package.json" ]] || die "npm installed $package but $prefix/node_modules/$package is missing"
  fi
}

ensure_fhir_examples() {
  npm_package "$FHIR_EXAMPLES_PREFIX" "$FHIR_EXAMPLES_PACKAGE" "$FHIR_EXAMPLES_VERSION"
  [[ -f "$FHIR_EXAMPLES_DIR_DEFAULT/Patient-example.json" ]] \
    || die "$FHIR_EXAMPLES_PACKAGE installed but $FHIR_EXAMPLES_DIR_DEFAULT/Patient-example.json is missing"
  export FHIR_R4_EXAMPLES_DIR="$FHIR_EXAMPLES_DIR_DEFAULT"
}

ensure_oidc_provider() {
  npm_package "$OIDC_PROVIDER_PREFIX" oidc-provider "$OIDC_PROVIDER_VERSION"
  export OIDC_PROVIDER_DIR="$OIDC_PROVIDER_DIR_DEFAULT"
}

# npm's openid-client, the reference relying party the identity tests drive against our server.
OPENID_CLIENT_VERSION="6.9.0"
ensure_openid_client() {
  npm_package "$CACHE/npm-rp" openid-client "$OPENID_CLIENT_VERSION"
  export OPENID_CLIENT_DIR="$CACHE/npm-rp"
}

# Browser tests drive Debian's Chromium through Playwright; Playwright never downloads a browser.
ensure_browser() {
  local chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
  [[ -x "$chromium" ]] || { apt_install chromium; chromium=/usr/bin/chromium; }
  export CHROMIUM_PATH="$chromium" PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
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
  ensure_oidc_provider    # npm's oidc-provider, a hospital's login server in the federation tests
  ensure_openid_client    # npm's openid-client for the relying-party tests
  ensure_browser          # Debian's Chromium for the Playwright sign-in tests

  trap stop_postgres EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  start_postgres
  log "TELEHEALTH_TEST_POSTGRES=$TELEHEALTH_TEST_POSTGRES"
  log "FHIR_R4_EXAMPLES_DIR=$FHIR_R4_EXAMPLES_DIR"
  log "OIDC_PROVIDER_DIR=$OIDC_PROVIDER_DIR"

  rm -rf "$RESULTS"
  mkdir -p "$RESULTS"
  local rc=0
  dotnet test Telehealth.slnx -c "${TEST_CONFIGURATION:-Release}" \
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
