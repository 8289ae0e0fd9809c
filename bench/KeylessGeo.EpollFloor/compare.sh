#!/usr/bin/env bash
# Smoke comparison for issue 13: the LoadGen's Keyless rows against keyless-floor (C), this managed
# floor (JIT, and NativeAOT when AOT=1) and optionally the keyserver, one fresh server per run,
# alternating, after bench/floor/check-floor.py and check-backpressure.py passed against the managed one.
#   bench/KeylessGeo.EpollFloor/compare.sh [seconds] [pairs]           (defaults 5 and 3)
#   ROW="demo-rsa2048 RsaPkcs1Sha256 8 1" SERVERS="c managed aot keyserver" LOOPS=2 bench/KeylessGeo.EpollFloor/compare.sh 5 2
# Prints one line per run: ops/s, latency, server CPU µs/op (the LoadGen's /proc window), the server's own
# getrusage line (floors only), and context switches per operation over warm-up and window (all threads).
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/bench-keys.sh
. scripts/lib/bench-run.sh
seconds="${1:-5}"; pairs="${2:-3}"; warmup=3
read -r key operation connections inflight <<<"${ROW:-demo-ecdsa-p256 EcdsaSha256 8 1}"
servers="${SERVERS:-c managed}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

work="$(mktemp -d)"; server_pid=""
cleanup() { if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null; fi; rm -rf "$work"; }
trap cleanup EXIT

out=.artifacts/epoll-floor; mkdir -p "$out"
gcc -O2 -Wall -Wextra -Werror -o "$out/keyless-floor" bench/floor/keyless-floor.c -lssl -lcrypto
dotnet build -c Release -v q --nologo bench/KeylessGeo.EpollFloor >/dev/null
dotnet build -c Release -v q --nologo bench/KeylessGeo.LoadGen >/dev/null
managed=bench/KeylessGeo.EpollFloor/bin/Release/net10.0/KeylessGeo.EpollFloor
if [[ " $servers " == *" aot "* ]]; then
  dotnet publish -c Release -v q --nologo bench/KeylessGeo.EpollFloor -r linux-x64 -p:PublishAot=true \
    -p:CppCompilerAndLinker=gcc -o "$out/aot" >/dev/null
fi
if [[ " $servers " == *" keyserver "* ]]; then dotnet build -c Release -v q --nologo keyserver/KeylessGeo.KeyServer >/dev/null; fi
bench_prepare_keys "$work/demo"
demo="$work/demo"
loadgen=bench/KeylessGeo.LoadGen/bin/Release/net10.0/KeylessGeo.LoadGen.dll

# start_floor BINARY [ARGS]: sets server_pid and kport from the ready line keyless-floor and this floor share.
start_floor() {
  local binary="$1"; shift
  "$binary" --port 0 --cert "$demo/tls/server.crt" --key "$demo/tls/server.key" --ca "$demo/tls/ca.crt" \
    --sign-key "$demo/keys/demo-ecdsa-p256.key" --sign-key "$demo/keys/demo-rsa2048.key" "$@" >"$work/floor.out" 2>"$work/floor.log" &
  server_pid=$!
  for _ in $(seq 1 200); do
    kport=$(sed -n 's/^keyless-floor: listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$work/floor.out")
    [ -n "$kport" ] && return 0
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/floor.log"; exit 1; }
    sleep 0.1
  done
  echo "$binary did not start" >&2; exit 1
}

start() { # c|managed|aot|keyserver
  : >"$work/floor.log"
  case "$1" in
    c) start_floor "$out/keyless-floor" ;;
    managed) start_floor "$managed" --loops "${LOOPS:-1}" ;;
    aot) start_floor "$out/aot/KeylessGeo.EpollFloor" --loops "${LOOPS:-1}" ;;
    keyserver) bench_start_keyserver keyserver/KeylessGeo.KeyServer/bin/Release/net10.0/KeylessGeo.KeyServer.dll \
                 "$demo" "$work/keyserver.log" yes ;;
  esac
}

switches() { cat /proc/"$server_pid"/task/*/status 2>/dev/null | awk '/ctxt_switches/ { s += $2 } END { print s + 0 }'; }

# The LoadGen counts answers without verifying them: check the managed floor once first.
start managed
python3 bench/floor/check-floor.py "$kport" "$demo" >&2
python3 bench/KeylessGeo.EpollFloor/check-backpressure.py "$kport" "$demo" >&2
kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""

for pair in $(seq 1 "$pairs"); do
  for server in $servers; do
    start "$server"
    before=$(switches)
    json=$(LOADGEN_SERVER_PID=$server_pid dotnet "$loadgen" --address "https://localhost:$kport" \
      --public-key "$demo/keys/$key.crt" --ca "$demo/tls/ca.crt" --cert "$demo/tls/client.crt" --key "$demo/tls/client.key" \
      --mode keyless --operation "$operation" --connections "$connections" --inflight "$inflight" --timeout-ms 2000 \
      --duration "$seconds" --warmup "$warmup")
    after=$(switches)
    kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""
    python3 - "$json" "$server" "$pair" "$key $operation ${connections}x$inflight" "$((after - before))" "$((seconds + warmup))" \
      "$(grep -o 'cpu_us_per_op=[0-9.]*' "$work/floor.log" || true)" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
per_op = int(sys.argv[5]) / (r["answered_per_second"] * float(sys.argv[6])) if r["answered_per_second"] else float("nan")
rusage = sys.argv[7].replace("cpu_us_per_op=", "") or "-"
print(f"{sys.argv[2]:9} pair {sys.argv[3]} {sys.argv[4]}: ops/s {r['ops_per_second']:7.0f} p50 {r['p50_us']:6.0f} µs "
      f"p99 {r['p99_us']:6.0f} µs  server CPU {r['server_cpu_us_per_op']:6.1f} µs/op  (getrusage whole life {rusage})  "
      f"switches/op {per_op:.2f}")
PY
  done
done
bench_openssl_speed 3
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
