#!/usr/bin/env bash
# Measures the cluster's signing paths against a standalone keyserver, in one run on this machine:
#   standalone   a keyserver serving the key from its key folder (no cluster);
#   local        the key's permitted datacenter (fra1): a cluster keyserver signs itself, no grain;
#   region hop   entering at ams1 (same region, not permitted): an Orleans call to the key's grain on fra1;
#   cross-region entering at sfo1 (other region): a gRPC forward to a keyserver of fra1.
# Keyservers are real processes over the demo's embedded store (`keylessgeo demo --keep`, whose
# demo keys end up permitted in fra1 only); server CPU per operation sums every keyserver the
# requests pass through. `openssl speed` runs in the same run as the reference.
#   scripts/bench-cluster.sh [seconds-per-scenario]     (default 10)
# Prints a markdown table; raw JSON lines go to bench/results/cluster.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

out=bench/results; mkdir -p "$out"
work="$(mktemp -d)"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

for project in services/KeylessGeo.Cli bench/KeylessGeo.LoadGen; do
  dotnet build -c Release -v q --nologo "$project" >/dev/null
done
cli=services/KeylessGeo.Cli/bin/Release/net10.0/keylessgeo.dll
loadgen=bench/KeylessGeo.LoadGen/bin/Release/net10.0/KeylessGeo.LoadGen.dll
keyserver=keyserver/KeylessGeo.KeyServer/bin/Release/net10.0/KeylessGeo.KeyServer.dll

dotnet "$cli" demo --keep "$work/demo" --once >"$work/demo.log"
tls="$work/demo/tls"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

declare -A port pid
start() { # name datacenter keys-directory [cluster flags...]
  local name=$1 dc=$2 keys=$3; shift 3
  port[$name]=$(free_port)
  dotnet "$keyserver" --KeyServer:Id "$name" --KeyServer:Datacenter "$dc" --KeyServer:KeysDirectory "$keys" \
    --Listen:Port "${port[$name]}" --Keyless:Port -1 --Telemetry:Prometheus:Port 0 --Listen:CertificatePath "$tls/server.crt" \
    --Listen:KeyPath "$tls/server.key" --Listen:ClientCaPath "$tls/ca.crt" \
    --Logging:LogLevel:Default Warning "$@" >"$work/$name.log" 2>&1 &
  pid[$name]=$!
  pids+=("$!")
  for _ in $(seq 1 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/${port[$name]}") 2>/dev/null && return 0
    kill -0 "${pid[$name]}" 2>/dev/null || { cat "$work/$name.log"; exit 1; }
    sleep 0.1
  done
  echo "$name did not listen" >&2; cat "$work/$name.log"; exit 1
}
member() { # id datacenter
  local home="$work/demo/keyservers/$1"
  start "$1" "$2" "$home/keys" --Cluster:Enabled true --Cluster:Store:Kind embedded \
    --Cluster:Store:DataDirectory "$work/demo/store" --Cluster:WrappingKeyPath "$home/wrapping-key.pem" \
    --Cluster:LeaseRenewInterval 00:00:01 --Cluster:Silo:Port "$(free_port)" \
    --Cluster:Silo:CertificatePath "$tls/member.crt" --Cluster:Silo:KeyPath "$tls/member.key"
}

start ks-standalone bench1 "$work/demo/keys"
member ks-fra1-1 fra1
member ks-ams1-1 ams1
member ks-sfo1-1 sfo1

# Until every entry point serves the key (advertisements, placement), bounded.
ready() { # name key-id
  for _ in $(seq 1 300); do
    dotnet "$cli" sign --address "https://localhost:${port[$1]}" --ca "$tls/ca.crt" --cert "$tls/client.crt" --key "$tls/client.key" \
      --key-id "$2" --operation EcdsaSha256 --payload-hex "$(printf '%064d' 0)" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "$1 never served $2" >&2; exit 1
}
for name in ks-standalone ks-fra1-1 ks-ams1-1 ks-sfo1-1; do ready "$name" demo-ecdsa-p256; done

speed=$(openssl speed -seconds "$seconds" rsa2048 ecdsap256 2>/dev/null)
rsa_ref=$(awk '/^rsa 2048 bits/ {print $6}' <<<"$speed")
ec_ref=$(awk '/nistp256\)/ {print $7}' <<<"$speed")

run() { # entry cpu-pids key-id operation
  LOADGEN_SERVER_PID=$2 dotnet "$loadgen" --address "https://localhost:${port[$1]}" --ca "$tls/ca.crt" \
    --cert "$tls/client.crt" --key "$tls/client.key" --mode stream --key-id "$3" --operation "$4" \
    --connections 1 --inflight 64 --timeout-ms 2000 --duration "$seconds" --warmup 3
}

: >"$out/cluster.jsonl"
echo "| path | operation | ops/s | vs openssl speed (1 core) | p50 µs | p99 µs | server CPU µs/op | errors |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |"
for alg in "demo-ecdsa-p256 EcdsaSha256 $ec_ref" "demo-rsa2048 RsaPkcs1Sha256 $rsa_ref"; do
  set -- $alg
  key=$1 op=$2 ref=$3
  for path in "standalone ks-standalone ${pid[ks-standalone]}" "local ks-fra1-1 ${pid[ks-fra1-1]}" \
    "region-hop ks-ams1-1 ${pid[ks-ams1-1]},${pid[ks-fra1-1]}" "cross-region ks-sfo1-1 ${pid[ks-sfo1-1]},${pid[ks-fra1-1]}"; do
    set -- $path
    json=$(run "$2" "$3" "$key" "$op")
    echo "$json" >>"$out/cluster.jsonl"
    python3 - "$json" "$ref" "$1 (enter at $2)" "$op" <<'PY'
import json, sys
r = json.loads(sys.argv[1]); ref = float(sys.argv[2])
print(f"| {sys.argv[3]} | {sys.argv[4]} | {r['ops_per_second']:.0f} | {r['ops_per_second']/ref:.2f} × {ref:.0f} | {r['p50_us']:.0f} | {r['p99_us']:.0f} | {r['server_cpu_us_per_op']} | {r['errors'] or 'none'} |")
PY
  done
done
echo
echo "stream, 1 connection × 64 in flight, ${seconds}s per row; openssl speed (single core): rsa2048 sign ${rsa_ref}/s, ecdsa p256 sign ${ec_ref}/s; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%d)"
