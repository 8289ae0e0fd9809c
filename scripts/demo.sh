#!/usr/bin/env bash
# The main job: a keyserver on a generated demo key set, and verified signatures from it.
# Extra arguments go to `keylessgeo demo` (--keep DIR, --serve).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
exec dotnet run --project services/KeylessGeo.Cli -c Release -- demo "$@"
