#!/usr/bin/env bash
# Measures keyserver throughput and latency on loopback, with `openssl speed` measured in the
# same run as the reference. Keyserver and load generator share this machine.
#   scripts/bench.sh [seconds-per-scenario]     (default 10)
#   BENCH_SUITES="keyless" scripts/bench.sh 5   (only the Keyless protocol scenarios; default "grpc keyless cpu")
#   BENCH_SUITES="cpu" scripts/bench.sh 5       (only the server-CPU-per-operation rows: scripts/bench-cpu.sh)
#   BENCH_KEYSERVER_ENV="DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1" scripts/bench.sh   (extra environment for the keyserver only)
# Prints a markdown table; raw JSON lines go to bench/results/latest.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
suites="${BENCH_SUITES:-grpc keyless cpu}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

out=bench/results; mkdir -p "$out"
work="$(mktemp -d)"
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

for project in services/KeylessGeo.Cli bench/KeylessGeo.LoadGen; do
  dotnet build -c Release -v q --nologo "$project" >/dev/null
done
cli=services/KeylessGeo.Cli/bin/Release/net10.0/keylessgeo.dll
loadgen=bench/KeylessGeo.LoadGen/bin/Release/net10.0/KeylessGeo.LoadGen.dll
keyserver=keyserver/KeylessGeo.KeyServer/bin/Release/net10.0/KeylessGeo.KeyServer.dll

dotnet "$cli" demo --keep "$work/demo" --no-serve >/dev/null
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
kport=$(free_port)
env ${BENCH_KEYSERVER_ENV:-} dotnet "$keyserver" \
  --KeyServer:Id ks-bench --KeyServer:Datacenter bench1 --KeyServer:KeysDirectory "$work/demo/keys" \
  --Listen:Port "$port" --Keyless:Port "$kport" --Telemetry:Prometheus:Port 0 --Listen:CertificatePath "$work/demo/tls/server.crt" \
  --Listen:KeyPath "$work/demo/tls/server.key" --Listen:ClientCaPath "$work/demo/tls/ca.crt" \
  --Logging:LogLevel:Default Warning >"$work/keyserver.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$kport") 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/keyserver.log"; exit 1; }
  sleep 0.1
done

# Reference: single-core OpenSSL, same machine, same run.
speed=$(openssl speed -seconds "$seconds" rsa2048 ecdsap256 2>/dev/null)
rsa_ref=$(awk '/^rsa 2048 bits/ {print $6}' <<<"$speed")
ec_ref=$(awk '/nistp256\)/ {print $7}' <<<"$speed")

run() { # mode key-id operation connections inflight timeout-ms
  LOADGEN_SERVER_PID=$server_pid dotnet "$loadgen" --address "https://localhost:$port" --ca "$work/demo/tls/ca.crt" \
    --cert "$work/demo/tls/client.crt" --key "$work/demo/tls/client.key" \
    --mode "$1" --key-id "$2" --operation "$3" --connections "$4" --inflight "$5" \
    --timeout-ms "$6" --duration "$seconds" --warmup 3
}

: >"$out/latest.jsonl"
if [[ " $suites " == *" grpc "* ]]; then
echo "| scenario | ops/s | vs openssl speed (1 core) | p50 µs | p99 µs | p99.9 µs | server CPU µs/op | errors |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
for scenario in \
  "stream demo-ecdsa-p256 EcdsaSha256 1 1 2000 $ec_ref" \
  "stream demo-ecdsa-p256 EcdsaSha256 1 128 2000 $ec_ref" \
  "stream demo-rsa2048 RsaPkcs1Sha256 1 32 2000 $rsa_ref" \
  "unary demo-ecdsa-p256 EcdsaSha256 2 32 2000 $ec_ref" \
  "unary demo-rsa2048 RsaPkcs1Sha256 2 16 2000 $rsa_ref" \
  "stream demo-rsa2048 RsaPkcs1Sha256 4 512 100 $rsa_ref"; do
  set -- $scenario
  json=$(run "$1" "$2" "$3" "$4" "$5" "$6")
  echo "$json" >>"$out/latest.jsonl"
  python3 - "$json" "$7" "$1 $3 ($4 conn × $5 in flight, timeout $6 ms)" <<'PY'
import json, sys
r = json.loads(sys.argv[1]); ref = float(sys.argv[2])
print(f"| {sys.argv[3]} | {r['ops_per_second']:.0f} | {r['ops_per_second']/ref:.2f} × {ref:.0f} | {r['p50_us']:.0f} | {r['p99_us']:.0f} | {r['p999_us']:.0f} | {r['server_cpu_us_per_op']} | {r['errors'] or 'none'} |")
PY
done
fi

# Keyless protocol (docs/KEYLESS.md): raw SslStream clients, requests by SKI padded to 1024 bytes.
runk() { # mode key operation connections inflight tls
  LOADGEN_SERVER_PID=$server_pid dotnet "$loadgen" --address "https://localhost:$kport" --ca "$work/demo/tls/ca.crt" \
    --cert "$work/demo/tls/client.crt" --key "$work/demo/tls/client.key" \
    --mode "$1" --public-key "$work/demo/keys/$2.crt" --operation "$3" --connections "$4" --inflight "$5" \
    --tls "$6" --duration "$seconds" --warmup 3
}

if [[ " $suites " == *" keyless "* ]]; then
echo
echo "| Keyless scenario | goodput ops/s | answered/s | vs openssl speed (1 core) | p50 µs | p99 µs | p99.9 µs | server CPU µs/op | errors |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
for scenario in \
  "keyless demo-ecdsa-p256 EcdsaSha256 8 1 1.3 $ec_ref" \
  "keyless demo-rsa2048 RsaPkcs1Sha256 8 1 1.3 $rsa_ref" \
  "keyless demo-ecdsa-p256 EcdsaSha256 8 1 1.2 $ec_ref" \
  "keyless-flood demo-ecdsa-p256 EcdsaSha256 4 1 1.3 $ec_ref" \
  "keyless-flood demo-rsa2048 RsaPkcs1Sha256 4 1 1.3 $rsa_ref"; do
  set -- $scenario
  json=$(runk "$1" "$2" "$3" "$4" "$5" "$6")
  echo "$json" >>"$out/latest.jsonl"
  label="$1 $3 ($4 conn"; [ "$1" = keyless ] && label="$label × $5 in flight"; label="$label, TLS $6)"
  python3 - "$json" "$7" "$label" <<'PY'
import json, sys
r = json.loads(sys.argv[1]); ref = float(sys.argv[2])
print(f"| {sys.argv[3]} | {r['ops_per_second']:.0f} | {r['answered_per_second']:.0f} | {r['ops_per_second']/ref:.2f} × {ref:.0f} | {r['p50_us']:.0f} | {r['p99_us']:.0f} | {r['p999_us']:.0f} | {r['server_cpu_us_per_op']} | {r['errors'] or 'none'} |")
PY
done
fi
echo
echo "openssl speed (single core, ${seconds}s): rsa2048 sign ${rsa_ref}/s, ecdsa p256 sign ${ec_ref}/s; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); keyserver env: ${BENCH_KEYSERVER_ENV:-none}; $(date -u +%Y-%m-%d)"

# Server CPU per operation (issue 13), with its own keyserver: this run's keyserver stops first.
if [[ " $suites " == *" cpu "* ]]; then
  kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  server_pid=""
  echo
  BASE= PAIRS=1 scripts/bench-cpu.sh "$seconds"
fi
