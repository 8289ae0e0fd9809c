#!/usr/bin/env bash
# Builds the keylessgeo OpenSSL engine (edge-agent/KeylessGeo.OpenSslEngine, C# compiled with
# NativeAOT into a shared library) and puts it at .artifacts/engine/keylessgeo.so, where the
# edge TLS tests and scripts/bench-edge-tls.sh look for it. Install it for nginx by copying the
# file to the path named by dynamic_path in deploy/nginx/openssl-keylessgeo.cnf.
set -euo pipefail
cd "$(dirname "$0")/.."
out=".artifacts/engine"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet publish edge-agent/KeylessGeo.OpenSslEngine/KeylessGeo.OpenSslEngine.csproj -c Release -o "$out" -nologo -v quiet
rm -f "$out/keylessgeo.so.dbg" "$out/keylessgeo.xml"
echo "Engine: $(pwd)/$out/keylessgeo.so ($(stat -c %s "$out/keylessgeo.so") bytes)"
