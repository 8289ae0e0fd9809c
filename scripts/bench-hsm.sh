#!/usr/bin/env bash
# Measures signing through a PKCS#11 token (SoftHSM2) against key files, in one run on this
# machine, with one keyserver serving both: the demo's key files (demo-ecdsa-p256, demo-rsa2048)
# and an ECDSA P-256 and an RSA-2048 key generated inside a SoftHSM2 token of this run's own
# (hsm-ecdsa-p256, hsm-rsa2048, reached through pkcs11: URIs). The LoadGen drives each key in
# turn; server CPU per operation is the keyserver's. `openssl speed` runs in the same run as the
# reference. Needs softhsm2 and opensc (apt-get install softhsm2 opensc).
#   scripts/bench-hsm.sh [seconds-per-row] [sessions-per-token]     (defaults 10 and 8)
# Prints a markdown table; raw JSON lines go to bench/results/hsm.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
sessions="${2:-8}"
warmup=$(( seconds < 5 ? 1 : 3 ))
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
module=/usr/lib/softhsm/libsofthsm2.so
for tool in "$module" /usr/bin/softhsm2-util /usr/bin/pkcs11-tool; do
  [ -e "$tool" ] || { echo "$tool is missing: apt-get install softhsm2 opensc" >&2; exit 1; }
done

out=bench/results; mkdir -p "$out"
work="$(mktemp -d)"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

for project in services/KeylessGeo.Cli bench/KeylessGeo.LoadGen keyserver/KeylessGeo.KeyServer; do
  dotnet build -c Release -v q --nologo "$project" >/dev/null
done
cli=services/KeylessGeo.Cli/bin/Release/net10.0/keylessgeo.dll
loadgen=bench/KeylessGeo.LoadGen/bin/Release/net10.0/KeylessGeo.LoadGen.dll
keyserver=keyserver/KeylessGeo.KeyServer/bin/Release/net10.0/KeylessGeo.KeyServer.dll

# TLS material and the key files come from the demo, as in bench-cluster.sh.
dotnet "$cli" demo --keep "$work/demo" --once >"$work/demo.log"
tls="$work/demo/tls"

# A token of this run's own; the keys never leave it (sensitive, not extractable).
mkdir -p "$work/tokens"
export SOFTHSM2_CONF="$work/softhsm2.conf"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$work/tokens" >"$SOFTHSM2_CONF"
pin="bench-$RANDOM$RANDOM"
printf '%s\n' "$pin" >"$work/pin"; chmod 600 "$work/pin"
softhsm2-util --init-token --free --label bench --so-pin "so-$pin" --pin "$pin" >/dev/null
p11() { pkcs11-tool --module "$module" --token-label bench --login --pin "$pin" "$@" >/dev/null 2>&1; }
p11 --keypairgen --key-type EC:prime256v1 --label hsm-ecdsa-p256 --id 01 --sensitive --usage-sign
p11 --keypairgen --key-type rsa:2048 --label hsm-rsa2048 --id 02 --sensitive --usage-sign

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
dotnet "$keyserver" --KeyServer:Id ks-hsm-bench --KeyServer:Datacenter bench1 --KeyServer:KeysDirectory "$work/demo/keys" \
  --KeyServer:Pkcs11:Uris:0 "pkcs11:token=bench?module-path=$module&pin-source=file:$work/pin" \
  --KeyServer:Pkcs11:MaxSessionsPerToken "$sessions" \
  --Listen:Port "$port" --Keyless:Port -1 --Listen:CertificatePath "$tls/server.crt" \
  --Listen:KeyPath "$tls/server.key" --Listen:ClientCaPath "$tls/ca.crt" \
  --Logging:LogLevel:Default Warning >"$work/keyserver.log" 2>&1 &
server=$!
pids+=("$server")
for _ in $(seq 1 300); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$work/keyserver.log"; exit 1; }
  sleep 0.1
done

ready() { # key-id operation
  for _ in $(seq 1 100); do
    dotnet "$cli" sign --address "https://localhost:$port" --ca "$tls/ca.crt" --cert "$tls/client.crt" --key "$tls/client.key" \
      --key-id "$1" --operation "$2" --payload-hex "$(printf '%064d' 0)" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "the keyserver never served $1" >&2; cat "$work/keyserver.log"; exit 1
}
for key in demo-ecdsa-p256 hsm-ecdsa-p256; do ready "$key" EcdsaSha256; done
for key in demo-rsa2048 hsm-rsa2048; do ready "$key" RsaPkcs1Sha256; done

speed=$(openssl speed -seconds "$seconds" rsa2048 ecdsap256 2>/dev/null)
rsa_ref=$(awk '/^rsa 2048 bits/ {print $6}' <<<"$speed")
ec_ref=$(awk '/nistp256\)/ {print $7}' <<<"$speed")

run() { # key-id operation
  LOADGEN_SERVER_PID=$server dotnet "$loadgen" --address "https://localhost:$port" --ca "$tls/ca.crt" \
    --cert "$tls/client.crt" --key "$tls/client.key" --mode stream --key-id "$1" --operation "$2" \
    --connections 1 --inflight 64 --timeout-ms 2000 --duration "$seconds" --warmup "$warmup"
}

: >"$out/hsm.jsonl"
echo "| key | where | operation | ops/s | vs openssl speed (1 core) | p50 µs | p99 µs | server CPU µs/op | errors |"
echo "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |"
for row in "demo-ecdsa-p256 file EcdsaSha256 $ec_ref" "hsm-ecdsa-p256 SoftHSM2 EcdsaSha256 $ec_ref" \
  "demo-rsa2048 file RsaPkcs1Sha256 $rsa_ref" "hsm-rsa2048 SoftHSM2 RsaPkcs1Sha256 $rsa_ref"; do
  set -- $row
  json=$(run "$1" "$3")
  echo "$json" >>"$out/hsm.jsonl"
  python3 - "$json" "$4" "$1" "$2" "$3" <<'PY'
import json, sys
r = json.loads(sys.argv[1]); ref = float(sys.argv[2])
print(f"| {sys.argv[3]} | {sys.argv[4]} | {sys.argv[5]} | {r['ops_per_second']:.0f} | {r['ops_per_second']/ref:.2f} × {ref:.0f} | {r['p50_us']:.0f} | {r['p99_us']:.0f} | {r['server_cpu_us_per_op']} | {r['errors'] or 'none'} |")
PY
done
echo
echo "stream, 1 connection × 64 in flight, ${seconds}s per row (${warmup}s warm-up); SoftHSM2 $(dpkg-query -W -f='${Version}' softhsm2 2>/dev/null || echo '?'), ${sessions} sessions per token; openssl speed (single core): rsa2048 sign ${rsa_ref}/s, ecdsa p256 sign ${ec_ref}/s; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%d)"
