#!/usr/bin/env bash
# Runs every test in the repository on a fresh machine: installs what the tests need
# (OpenSSL, Python grpcio and its protoc plugin for the interop suite, the PostgreSQL server
# binaries for the store tests, which start their own throwaway cluster on a free port and
# never use the system service, redis-server for the Redis membership tests, which likewise start
# their own server, curl and setpriv for the control-plane access tests, which call
# it as another user, prlimit, which starts a keyserver under a low open-file limit, and SoftHSM2
# with OpenSC's pkcs11-tool for the PKCS#11 key tests, which create their own tokens, nginx
# for the edge TLS tests, which start their own instances, and gcc with libssl-dev, which compile
# their OpenSSL probe and link the NativeAOT engine with zlib1g-dev), builds the keylessgeo OpenSSL engine
# (scripts/build-engine.sh), then runs the whole solution's tests and prints one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for pkg in openssl python3-grpcio python3-protobuf protobuf-compiler protobuf-compiler-grpc postgresql redis-server curl util-linux softhsm2 opensc nginx gcc libssl-dev zlib1g-dev; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing test dependencies: ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
./scripts/build-engine.sh
results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

status=0
dotnet test KeylessGeo.sln -c Release --logger "trx" --results-directory "$results" \
  --blame-hang-timeout 5m -- RunConfiguration.TestSessionTimeout=1800000 || status=$?

# One closing line summed over every test project's results.
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); passed=$((passed + ${p:-0}))
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters"); failed=$((failed + ${f:-0}))
  s=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$counters"); skipped=$((skipped + ${s:-0}))
done
echo "Tests: $passed passed, $failed failed, $skipped skipped"
if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then
  echo "No test ran." >&2
  exit 1
fi
exit "$status"
