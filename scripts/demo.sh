#!/usr/bin/env bash
# The main job: a local multi-region cluster as separate processes on 127.0.0.1 — the control
# plane on the embedded store, keyservers in fra1 and ams1 (EU) and sfo1 and iad1 (NA), an edge
# agent per datacenter and an edge host (our TLS terminator) in front of each agent — with a live
# table of verified signatures through every agent, real TLS 1.3/1.2 handshakes through every edge
# host, a policy narrowed while requests arrive, and the audit chain verified (docs/DEMO.md).
# Extra arguments go to `keylessgeo demo`: --once (run and exit), --keep DIR (reuse a data directory).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
cli=services/KeylessGeo.Cli/bin/Release/net10.0/keylessgeo.dll
engine=.artifacts/engine/keylessgeo.so

# True when $1 is missing or a source file under the other arguments is newer than it.
stale() {
  local target=$1; shift
  [[ ! -f "$target" ]] || [[ -n "$(find Directory.*.props Directory.*.targets global.json "$@" \
    \( -name bin -o -name obj \) -prune -o \( -name '*.cs' -o -name '*.csproj' -o -name '*.proto' \) -newer "$target" -print -quit)" ]]
}

# The edge hosts load the keylessgeo OpenSSL engine, C# compiled with NativeAOT: linking it needs a C
# toolchain and zlib, and the engine uses the system's libcrypto. On a fresh machine, as root, they
# are installed (as scripts/test.sh does); otherwise the demo runs without edge hosts.
if stale "$engine" edge-agent/KeylessGeo.OpenSslEngine; then
  need=()
  for pkg in gcc zlib1g-dev libssl-dev; do dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg"); done
  if [[ ${#need[@]} -gt 0 && "$(id -u)" -eq 0 ]]; then
    echo "installing what the OpenSSL engine's NativeAOT link needs: ${need[*]} …" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null && need=()
  fi
  if [[ ${#need[@]} -gt 0 ]]; then
    echo "edge hosts skipped: building the OpenSSL engine needs ${need[*]} (apt-get install ${need[*]} as root, then run again)" >&2
    export KEYLESSGEO_DEMO_ENGINE=off
  else
    # Built while the CLI builds and the cluster starts: the engine is its own project (the two
    # builds share no output), and the demo needs it only once the edge agents are up. The build
    # writes its exit code to $status when it ends; the demo waits for that (docs/DEMO.md).
    echo "building the OpenSSL engine (NativeAOT) …" >&2
    mkdir -p .artifacts
    status=.artifacts/engine-build.status
    rm -f "$status"
    (code=0; ./scripts/build-engine.sh >.artifacts/build-engine.log 2>&1 || code=$?; echo "$code" >"$status.part"; mv "$status.part" "$status") </dev/null >/dev/null 2>&1 &
    export KEYLESSGEO_DEMO_ENGINE_BUILD="$PWD/$status"
  fi
fi

# Build the CLI (and, through its references, the control plane, keyserver, edge agent and edge
# host beside it) when it is missing or any source is newer than it.
if stale "$cli" services keyserver edge-agent policy; then
  echo "building (Release) …" >&2
  dotnet build services/KeylessGeo.Cli -c Release -nologo -v quiet -clp:ErrorsOnly >&2
fi

# exec: Ctrl+C and SIGTERM reach the demo itself, which stops every process it started.
exec dotnet "$cli" demo "$@"
