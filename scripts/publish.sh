#!/usr/bin/env bash
# Builds the keyserver as one self-contained executable for Linux: no .NET SDK or runtime is
# needed on the host, only glibc, libstdc++ and OpenSSL 3 (libssl3), which the keyserver's key
# operations call directly.
#
#   scripts/publish.sh [--rid linux-x64|linux-arm64] [--no-ready-to-run]
#
# Output (see docs/DEPLOYMENT.md):
#   dist/keylessgeo-keyserver-<rid>/
#     bin/keylessgeo-keyserver                        the executable (single file)
#     systemd/keylessgeo-keyserver.service            the hardened unit
#     config/keyserver.json, config/gokeyless.yaml    sample configurations
#     docs/                                           DEPLOYMENT, MIGRATING, CONFIGURATION, KEYS
#     SHA256SUMS
#   dist/keylessgeo-keyserver-<rid>.tar.gz            the same folder, packed
set -euo pipefail
cd "$(dirname "$0")/.."

rid=linux-x64
ready_to_run=true
while [ $# -gt 0 ]; do
  case "$1" in
    --rid) rid="${2:?--rid needs a runtime identifier}"; shift 2 ;;
    --no-ready-to-run) ready_to_run=false; shift ;;
    *) echo "publish.sh: unknown argument '$1' (see the header of this script)" >&2; exit 2 ;;
  esac
done
case "$rid" in
  linux-x64|linux-arm64) ;;
  *) echo "publish.sh: --rid must be linux-x64 or linux-arm64, got '$rid'" >&2; exit 2 ;;
esac

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
name="keylessgeo-keyserver-$rid"
dist="dist/$name"
build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT
rm -rf "$dist" "dist/$name.tar.gz"
mkdir -p "$dist/bin" "$dist/systemd" "$dist/config" "$dist/docs"

# Single file: the runtime's own native libraries are linked into the executable on Linux, so
# nothing is extracted at start (the unit's file system is read-only). ReadyToRun code starts
# faster; the JIT still runs for hot methods (tiered compilation). Not composite: the
# framework's assemblies already carry their own ReadyToRun code, and compiling them again
# into one composite image takes far longer for little gain.
dotnet publish keyserver/KeylessGeo.KeyServer/KeylessGeo.KeyServer.csproj \
  -c Release -r "$rid" --self-contained true -o "$build" \
  -p:PublishSingleFile=true -p:PublishReadyToRun="$ready_to_run" -p:PublishReadyToRunComposite=false

install -m 0755 "$build/KeylessGeo.KeyServer" "$dist/bin/keylessgeo-keyserver"
# Anything else the build left goes beside it, except symbols, docs, the Web SDK's static-asset
# manifest (the keyserver serves none) and the sample configuration (config/ has the samples).
for extra in "$build"/*; do
  case "$(basename "$extra")" in
    KeylessGeo.KeyServer|*.pdb|*.xml|*.staticwebassets.*|keyserver.sample.json) ;;
    *) cp -a "$extra" "$dist/bin/" ;;
  esac
done
install -m 0644 deploy/systemd/keylessgeo-keyserver.service "$dist/systemd/"
install -m 0644 deploy/config/keyserver.json deploy/config/gokeyless.yaml "$dist/config/"
install -m 0644 docs/DEPLOYMENT.md docs/MIGRATING.md docs/CONFIGURATION.md docs/KEYS.md "$dist/docs/"
(cd "$dist" && find . -type f ! -name SHA256SUMS -print0 | sort -z | xargs -0 sha256sum > SHA256SUMS)
tar -C dist -czf "dist/$name.tar.gz" "$name"

size=$(stat -c %s "$dist/bin/keylessgeo-keyserver")
echo "Published $dist/bin/keylessgeo-keyserver ($((size / 1024 / 1024)) MiB, $rid, ReadyToRun $ready_to_run) and dist/$name.tar.gz"
