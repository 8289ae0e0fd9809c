#!/usr/bin/env bash
# The floor for issue 13: the least a server spends per operation on this machine for the Keyless
# exchange the keyserver serves (mutual TLS 1.3 over loopback TCP, one request, one signature, one
# response). Runs the LoadGen's Keyless rows — ECDSA P-256 8 x 1, RSA-2048 8 x 1, ECDSA P-256 4 x 64 —
# against (a) bench/floor/keyless-floor, a single-threaded C server on OpenSSL (built here with gcc),
# and (b) the keyserver, alternating, PAIRS times, with `openssl speed -seconds 3 ecdsap256 rsa2048`
# first. Server CPU per operation is the LoadGen's /proc/PID/stat probe over the measured window, as
# in scripts/bench-ab.sh; the floor server also prints its own getrusage figure at exit (whole life:
# warm-up and handshakes included), a cross-check. Before measuring, bench/floor/check-floor.py checks
# that the floor server's answers are right (signatures verify, errors, split and pipelined frames).
#   scripts/bench-floor.sh [seconds-per-row]          (default 10; PAIRS=3)
#   PAIRS=5 ROWS="1" scripts/bench-floor.sh 5          (only these rows, numbered from 1)
#   FLOOR_STAT=1 scripts/bench-floor.sh 5              (instead: `perf stat -e context-switches,task-clock -p PID`
#                                                       for each server during row 1, or FLOOR_STAT_ROW)
# Raw JSON lines: bench/results/floor.jsonl (BENCH_OUT overrides the file).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/bench-keys.sh
. scripts/lib/bench-run.sh
seconds="${1:-10}"
pairs="${PAIRS:-3}"
speed_seconds="${SPEED_SECONDS:-3}"
warmup=3
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

out=bench/results; mkdir -p "$out"
results="${BENCH_OUT:-$out/floor.jsonl}"
work="$(mktemp -d)"
server_pid=""
cleanup() { if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null; fi; rm -rf "$work"; }
trap cleanup EXIT

floor=.artifacts/floor/keyless-floor
mkdir -p .artifacts/floor
gcc -O2 -Wall -Wextra -Werror -o "$floor" bench/floor/keyless-floor.c -lssl -lcrypto
for project in keyserver/KeylessGeo.KeyServer bench/KeylessGeo.LoadGen; do
  dotnet build -c Release -v q --nologo "$project" >/dev/null
done
bench_prepare_keys "$work/demo"
loadgen=bench/KeylessGeo.LoadGen/bin/Release/net10.0/KeylessGeo.LoadGen.dll

# key operation connections in-flight
rows=(
  "demo-ecdsa-p256 EcdsaSha256 8 1"
  "demo-rsa2048 RsaPkcs1Sha256 8 1"
  "demo-ecdsa-p256 EcdsaSha256 4 64"
)

# Sets kport and server_pid; the ready line on stdout names the port it bound.
start_floor() {
  "$floor" --port 0 --cert "$work/demo/tls/server.crt" --key "$work/demo/tls/server.key" --ca "$work/demo/tls/ca.crt" \
    --sign-key "$work/demo/keys/demo-ecdsa-p256.key" --sign-key "$work/demo/keys/demo-rsa2048.key" \
    >"$work/floor.out" 2>"$work/floor.log" &
  server_pid=$!
  for _ in $(seq 1 100); do
    kport=$(sed -n 's/^keyless-floor: listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$work/floor.out")
    [ -n "$kport" ] && return 0
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/floor.log"; exit 1; }
    sleep 0.1
  done
  echo "keyless-floor did not start" >&2; exit 1
}

# Stops the floor server and prints its exit line's getrusage CPU per answered operation.
stop_floor() {
  kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""
  sed -n 's/.* cpu_us_per_op=\([0-9.]*\) .*/\1/p' "$work/floor.log"
}

start_server() { # floor|keyserver
  if [ "$1" = floor ]; then
    start_floor
  else
    bench_start_keyserver keyserver/KeylessGeo.KeyServer/bin/Release/net10.0/KeylessGeo.KeyServer.dll \
      "$work/demo" "$work/keyserver.log" yes
  fi
}

stop_server() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""; }

# run_row SECONDS key operation connections in-flight: one LoadGen run against kport, its JSON line on stdout.
run_row() {
  LOADGEN_SERVER_PID=$server_pid dotnet "$loadgen" --address "https://localhost:$kport" --public-key "$work/demo/keys/$2.crt" \
    --ca "$work/demo/tls/ca.crt" --cert "$work/demo/tls/client.crt" --key "$work/demo/tls/client.key" \
    --mode keyless --operation "$3" --connections "$4" --inflight "$5" --timeout-ms 2000 --duration "$1" --warmup "$warmup"
}

# The LoadGen counts answers without verifying them: check once that the floor signs correctly.
start_floor
python3 bench/floor/check-floor.py "$kport" "$work/demo" >&2
stop_floor >/dev/null

if [ -n "${FLOOR_STAT:-}" ]; then
  # perf stat over a window inside the LoadGen's measured one; per operation = count / (answered/s x window),
  # so steady state is assumed (the LoadGen's own start and warm-up lie before the window).
  command -v perf >/dev/null || { echo "FLOOR_STAT=1 needs perf (Debian: linux-perf)" >&2; exit 2; }
  stat_row="${FLOOR_STAT_ROW:-1}"
  set -- ${rows[$((stat_row - 1))]}
  echo "| server | row | ops/s | context switches/op | task-clock µs/op | CPUs used |"
  echo "| --- | --- | ---: | ---: | ---: | ---: |"
  for server in floor keyserver; do
    start_server "$server"
    run_row "$((seconds + 1))" "$@" >"$work/stat.json" &
    loadgen_pid=$!
    sleep "$((warmup + 1))"
    perf stat -x, -o "$work/perf.csv" -e context-switches,task-clock -p "$server_pid" -- sleep "$seconds"
    wait "$loadgen_pid"
    if [ "$server" = floor ]; then stop_floor >/dev/null; else stop_server; fi
    python3 - "$work/stat.json" "$work/perf.csv" "$server" "$seconds" "Keyless $2 $3x$4" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
counts = {}
for line in open(sys.argv[2]):
    fields = line.strip().split(",")
    if len(fields) > 2 and not line.startswith("#") and fields[0] not in ("", "<not counted>", "<not supported>"):
        counts[fields[2]] = float(fields[0])
ops = run["answered_per_second"] * float(sys.argv[4])
switches = counts.get("context-switches", float("nan")) / ops
clock_ms = counts.get("task-clock", float("nan"))
print(f"| {sys.argv[3]} | {sys.argv[5]} | {run['ops_per_second']:,.0f} | {switches:.2f} | {clock_ms * 1e3 / ops:.1f} | {clock_ms / 1e3 / float(sys.argv[4]):.2f} |")
PY
  done
  exit 0
fi

bench_openssl_speed "$speed_seconds"

: >"$results"
for pair in $(seq 1 "$pairs"); do
  for server in floor keyserver; do
    # The keyserver runs once per round for every row, as in bench-ab.sh; the floor server starts afresh
    # for each row, so its own getrusage line at exit covers that row alone.
    if [ "$server" = keyserver ]; then start_server keyserver; fi
    for index in "${!rows[@]}"; do
      if [ -n "${ROWS:-}" ] && [[ " $ROWS " != *" $((index + 1)) "* ]]; then continue; fi
      set -- ${rows[$index]}
      if [ "$server" = floor ]; then start_server floor; fi
      json=$(run_row "$seconds" "$@")
      rusage=""
      if [ "$server" = floor ]; then rusage=$(stop_floor); fi
      python3 -c 'import json,sys; r=json.loads(sys.argv[1]); r.update(server=sys.argv[2], pair=int(sys.argv[3]), row=sys.argv[4], rusage_us_per_op=float(sys.argv[5]) if sys.argv[5] else None); print(json.dumps(r))' \
        "$json" "$server" "$pair" "Keyless $2 $3x$4" "$rusage" >>"$results"
    done
    if [ "$server" = keyserver ]; then stop_server; fi
  done
done

python3 - "$results" "$pairs" "$seconds" "$ec_ref" "$rsa_ref" "$(git rev-parse --short HEAD)" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
pairs, seconds = sys.argv[2:4]
sign = {"EcdsaSha256": 1e6 / float(sys.argv[4]), "RsaPkcs1Sha256": 1e6 / float(sys.argv[5])}
med = lambda rs, k: statistics.median(r[k] for r in rs) if rs and all(r.get(k) is not None for r in rs) else float("nan")
print("| row | server | ops/s | p50 µs | p99 µs | server CPU µs/op | CPU ÷ openssl sign | getrusage µs/op (whole life) |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for row in dict.fromkeys(r["row"] for r in rows):
    cpu = {}
    for server in ("floor", "keyserver"):
        m = [r for r in rows if r["row"] == row and r["server"] == server]
        if not m:
            continue
        cpu[server] = med(m, "server_cpu_us_per_op")
        rusage = f"{med(m, 'rusage_us_per_op'):,.1f}" if server == "floor" else ""
        print(f"| {row} | {server} | {med(m, 'ops_per_second'):,.0f} | {med(m, 'p50_us'):,.0f} | {med(m, 'p99_us'):,.0f} | "
              f"{cpu[server]:,.1f} | {cpu[server] / sign[m[0]['operation']]:.2f} | {rusage} |")
        each = lambda k, fmt: " ".join(fmt % r[k] for r in m if r.get(k) is not None)
        print(f"|   each run | {server} | {each('ops_per_second', '%.0f')} | | | {each('server_cpu_us_per_op', '%.1f')} | | |")
    if len(cpu) == 2:
        print(f"|   keyserver ÷ floor, CPU per operation | | | | | {cpu['keyserver'] / cpu['floor']:.2f} | | |")
print(f"\nfloor = bench/floor/keyless-floor (one thread, epoll, OpenSSL), keyserver = {sys.argv[6]} (working tree); "
      f"{pairs} alternating pairs, {seconds} s per row after 3 s warm-up; "
      f"openssl sign (one core, same run): ECDSA P-256 {sign['EcdsaSha256']:.1f} µs, RSA-2048 {sign['RsaPkcs1Sha256']:.1f} µs; "
      f"{open('/proc/cpuinfo').read().count('processor')} cores; load average at end {' '.join(open('/proc/loadavg').read().split()[:3])}")
PY
