#!/usr/bin/env bash
# The main job: a local multi-region cluster as separate processes on 127.0.0.1 — the control
# plane on the embedded store, keyservers in fra1 and ams1 (EU) and sfo1 and iad1 (NA), an edge
# agent per datacenter — with a live table of verified signatures through every agent, a policy
# narrowed while requests arrive, and the audit chain verified (docs/DEMO.md).
# Extra arguments go to `keylessgeo demo`: --once (run and exit), --keep DIR (reuse a data directory).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
cli=services/KeylessGeo.Cli/bin/Release/net10.0/keylessgeo.dll

# Build the CLI (and, through its references, the control plane, keyserver and edge agent beside
# it) when it is missing or any source is newer than it.
if [[ ! -f "$cli" ]] || [[ -n "$(find Directory.*.props Directory.*.targets global.json services keyserver edge-agent policy \
    \( -name bin -o -name obj \) -prune -o \( -name '*.cs' -o -name '*.csproj' -o -name '*.proto' \) -newer "$cli" -print -quit)" ]]; then
  echo "building (Release) …" >&2
  dotnet build services/KeylessGeo.Cli -c Release -nologo -v quiet -clp:ErrorsOnly >&2
fi

# exec: Ctrl+C and SIGTERM reach the demo itself, which stops every process it started.
exec dotnet "$cli" demo "$@"
