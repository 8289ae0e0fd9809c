#!/usr/bin/env bash
# The main job: a local multi-region cluster (control plane + one keyserver per datacenter) on the
# embedded store, with verified signatures, a policy refusal and a measured eviction.
# Extra arguments go to `keylessgeo demo` (--keep DIR, --serve).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
exec dotnet run --project services/KeylessGeo.Cli -c Release -- demo "$@"
