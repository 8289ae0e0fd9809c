#!/usr/bin/env bash
# The floors for issue 13: what a server spends per operation on this machine for the exchanges the
# keyserver serves, layer by layer. Servers (bench/floor/README.md):
#   floor      bench/floor/keyless-floor: one thread, epoll, OpenSSL, mutual TLS 1.3 (built here with gcc)
#   epoll      bench/KeylessGeo.EpollFloor: the same in C#, libc epoll, libssl and libcrypto through P/Invoke
#              (EPOLL_LOOPS event-loop threads, default 1 as the C floor)
#   epoll-shared the same with --shared-epoll: one epoll set for all loops, each connection armed for one event
#              at a time, so whichever loop is free takes the next ready connection
#   socket     bench/KeylessGeo.StackFloor --stack socket: .NET Socket + SslStream, one receive loop per connection
#   kestrel    bench/KeylessGeo.StackFloor --stack kestrel: Kestrel, UseHttps, a ConnectionHandler on the pipes
#   grpc       bench/KeylessGeo.StackFloor --stack grpc: Grpc.AspNetCore, our SignStream, signing inline
#   keyserver  the keyserver of the working tree (its default transport, Kestrel, unless BENCH_KEYSERVER_ENV says otherwise)
#   keyserver-epoll  the same keyserver on the epoll transport (KEYLESSGEO_Keyless__Transport=epoll)
# All sign with the keyserver's call (Crypto/SignContextPool) except the C floor (its own EVP_PKEY_CTX per key).
# Rows: Keyless ECDSA P-256 8 x 1, Keyless RSA-2048 8 x 1, Keyless ECDSA P-256 4 x 64 (against floor, epoll,
# socket, kestrel, keyserver) and gRPC SignStream ECDSA P-256 8 x 1 (against grpc and keyserver), the LoadGen's rows,
# and row 5, Keyless ECDSA P-256 8 x 1 paced at PACED_RATE operations/s (default: half the first row-1 figure of
# this run), the same rate for every server; servers alternating in that order, PAIRS rounds, with
# `openssl speed -seconds 3 ecdsap256 rsa2048` first.
# Server CPU per operation is the LoadGen's /proc/PID/stat probe over the measured window, as in
# scripts/bench-ab.sh; the C floor also prints its own getrusage figure at exit (whole life), a cross-check.
# Before measuring, every server's answers are checked: bench/floor/check-floor.py (Keyless: signatures
# verify, errors, split and pipelined frames, client certificate required) for floor, epoll, socket and kestrel;
# KeylessGeo.StackFloor --check-grpc (SignStream signatures verify) for grpc and the keyserver.
#   scripts/bench-floor.sh [seconds-per-row]          (default 10; PAIRS=3)
#   PAIRS=5 ROWS="1 4" scripts/bench-floor.sh 5        (only these rows, numbered from 1)
#   SERVERS="floor kestrel keyserver" scripts/bench-floor.sh    (only these servers)
#   PACED_RATE=6000 ROWS="1 5" SERVERS="floor epoll kestrel keyserver keyserver-epoll" scripts/bench-floor.sh 8
#                                                       (the paced row's tail: event loops against thread pools)
#   PAIRS=1 WARMUP=1 SPEED_SECONDS=1 scripts/bench-floor.sh 2   (a smoke run: does the script work)
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
warmup="${WARMUP:-3}"
servers="${SERVERS:-floor epoll socket kestrel grpc keyserver}"
epoll_loops="${EPOLL_LOOPS:-1}"
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
for project in keyserver/KeylessGeo.KeyServer bench/KeylessGeo.LoadGen bench/KeylessGeo.StackFloor bench/KeylessGeo.EpollFloor; do
  dotnet build -c Release -v q --nologo "$project" >/dev/null
done
bench_prepare_keys "$work/demo"
loadgen=bench/KeylessGeo.LoadGen/bin/Release/net10.0/KeylessGeo.LoadGen.dll
stackfloor=bench/KeylessGeo.StackFloor/bin/Release/net10.0/KeylessGeo.StackFloor.dll
epollfloor=bench/KeylessGeo.EpollFloor/bin/Release/net10.0/KeylessGeo.EpollFloor.dll
sign_keys=(--sign-key "$work/demo/keys/demo-ecdsa-p256.key" --sign-key "$work/demo/keys/demo-rsa2048.key")
tls_files=(--cert "$work/demo/tls/server.crt" --key "$work/demo/tls/server.key" --ca "$work/demo/tls/ca.crt")

# mode key operation connections in-flight
rows=(
  "keyless demo-ecdsa-p256 EcdsaSha256 8 1"
  "keyless demo-rsa2048 RsaPkcs1Sha256 8 1"
  "keyless demo-ecdsa-p256 EcdsaSha256 4 64"
  "stream demo-ecdsa-p256 EcdsaSha256 8 1"
  "keyless demo-ecdsa-p256 EcdsaSha256 8 1 paced"
)
paced_rate="${PACED_RATE:-}"

# serves SERVER MODE: whether SERVER answers rows of MODE (keyless or stream).
serves() {
  case "$1:$2" in
    floor:keyless | epoll:keyless | epoll-shared:keyless | socket:keyless | kestrel:keyless | grpc:stream | keyserver:* | keyserver-epoll:*) return 0 ;;
    *) return 1 ;;
  esac
}

# start_listening NAME LOG COMMAND...: starts COMMAND, whose stdout's ready line names the port it bound
# ("NAME: listening on 127.0.0.1:PORT ..."); sets server_pid, and port and kport to that port.
start_listening() {
  local name="$1" log="$2"
  shift 2
  "$@" >"$work/$name.out" 2>"$log" &
  server_pid=$!
  for _ in $(seq 1 200); do
    kport=$(sed -n "s/^$name: listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p" "$work/$name.out")
    if [ -n "$kport" ]; then port=$kport; return 0; fi
    kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.1
  done
  echo "$name did not start" >&2; exit 1
}

start_server() { # floor|epoll|epoll-shared|socket|kestrel|grpc|keyserver|keyserver-epoll; sets server_pid, port (gRPC) and kport (Keyless)
  case "$1" in
    floor) start_listening keyless-floor "$work/floor.log" "$floor" --port 0 "${tls_files[@]}" "${sign_keys[@]}" ;;
    # The C# copy prints the C floor's ready and exit lines.
    epoll | epoll-shared)
      local shared=(); [ "$1" = epoll-shared ] && shared=(--shared-epoll)
      start_listening keyless-floor "$work/$1.log" dotnet "$epollfloor" --port 0 --loops "$epoll_loops" "${shared[@]}" "${tls_files[@]}" "${sign_keys[@]}" ;;
    keyserver | keyserver-epoll)
      local transport=""; [ "$1" = keyserver-epoll ] && transport=KEYLESSGEO_Keyless__Transport=epoll
      bench_start_keyserver keyserver/KeylessGeo.KeyServer/bin/Release/net10.0/KeylessGeo.KeyServer.dll \
        "$work/demo" "$work/keyserver.log" yes ${BENCH_KEYSERVER_ENV:-} $transport ;;
    *) start_listening stack-floor "$work/$1.log" dotnet "$stackfloor" --stack "$1" --port 0 "${tls_files[@]}" "${sign_keys[@]}" ;;
  esac
}

# prints_rusage SERVER: whether SERVER prints keyless-floor's exit line (getrusage over its whole life).
prints_rusage() {
  case "$1" in
    floor | epoll | epoll-shared) return 0 ;;
    *) return 1 ;;
  esac
}

# Stops the server and waits for it to exit (in this shell: a subshell cannot wait for it).
stop_server() {
  kill -TERM "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
}

# rusage_of SERVER: the getrusage CPU per answered operation from the exit line of a server that prints one.
rusage_of() {
  sed -n 's/.* cpu_us_per_op=\([0-9.]*\) .*/\1/p' "$work/$1.log"
}

# run_row SECONDS mode key operation connections in-flight [paced]: one LoadGen run, its JSON line on stdout.
run_row() {
  local target
  if [ "$2" = keyless ]; then
    target=(--address "https://localhost:$kport" --public-key "$work/demo/keys/$3.crt")
  else
    target=(--address "https://localhost:$port" --key-id "$3")
  fi
  local rate=""
  [ "${7:-}" = paced ] && rate="$paced_rate"
  LOADGEN_RATE="$rate" LOADGEN_SERVER_PID=$server_pid dotnet "$loadgen" "${target[@]}" \
    --ca "$work/demo/tls/ca.crt" --cert "$work/demo/tls/client.crt" --key "$work/demo/tls/client.key" \
    --mode "$2" --operation "$4" --connections "$5" --inflight "$6" --timeout-ms 2000 --duration "$1" --warmup "$warmup"
}

# The LoadGen counts answers without verifying them: check once that every server signs correctly.
for server in $servers; do
  start_server "$server"
  # The keyserver's own tests cover its Keyless answers (its error codes differ from the floors' in places).
  if serves "$server" keyless && [[ "$server" != keyserver* ]]; then
    echo -n "$server: " >&2; python3 bench/floor/check-floor.py "$kport" "$work/demo" >&2
  fi
  if serves "$server" stream; then
    echo -n "$server: " >&2
    dotnet "$stackfloor" --check-grpc "https://localhost:$port" --ca "$work/demo/tls/ca.crt" --cert "$work/demo/tls/client.crt" \
      --key "$work/demo/tls/client.key" "${sign_keys[@]}" >&2
  fi
  stop_server
done

if [ -n "${FLOOR_STAT:-}" ]; then
  # perf stat over a window inside the LoadGen's measured one; per operation = count / (answered/s x window),
  # so steady state is assumed (the LoadGen's own start and warm-up lie before the window).
  command -v perf >/dev/null || { echo "FLOOR_STAT=1 needs perf (Debian: linux-perf)" >&2; exit 2; }
  stat_row="${FLOOR_STAT_ROW:-1}"
  set -- ${rows[$((stat_row - 1))]}
  echo "| server | row | ops/s | context switches/op | task-clock µs/op | CPUs used |"
  echo "| --- | --- | ---: | ---: | ---: | ---: |"
  for server in $servers; do
    serves "$server" "$1" || continue
    start_server "$server"
    run_row "$((seconds + 1))" "$@" >"$work/stat.json" &
    loadgen_pid=$!
    sleep "$((warmup + 1))"
    perf stat -x, -o "$work/perf.csv" -e context-switches,task-clock -p "$server_pid" -- sleep "$seconds"
    wait "$loadgen_pid"
    stop_server
    python3 - "$work/stat.json" "$work/perf.csv" "$server" "$seconds" "$1 $3 $4x$5" <<'PY'
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
  for server in $servers; do
    # The .NET servers run once per round for every row, as in bench-ab.sh; the C floor and its C# copy
    # start afresh for each row, so their own getrusage line at exit covers that row alone.
    started=""
    for index in "${!rows[@]}"; do
      if [ -n "${ROWS:-}" ] && [[ " $ROWS " != *" $((index + 1)) "* ]]; then continue; fi
      set -- ${rows[$index]}
      serves "$server" "$1" || continue
      if [ "${6:-}" = paced ] && [ -z "$paced_rate" ]; then
        echo "row $((index + 1)) needs row 1 before it, or PACED_RATE" >&2; continue
      fi
      if [ -z "$started" ]; then start_server "$server"; started=yes; fi
      json=$(run_row "$seconds" "$@")
      if [ "$index" = 0 ] && [ -z "$paced_rate" ]; then
        paced_rate=$(python3 -c 'import json,sys; print(round(json.loads(sys.argv[1])["ops_per_second"] / 2))' "$json")
      fi
      rusage=""
      if prints_rusage "$server"; then stop_server; rusage=$(rusage_of "$server"); started=""; fi
      label="Keyless $3 $4x$5"; [ "$1" = stream ] && label="gRPC SignStream $3 $4x$5"
      [ "${6:-}" = paced ] && label="$label paced at $paced_rate/s"
      python3 -c 'import json,sys; r=json.loads(sys.argv[1]); r.update(server=sys.argv[2], pair=int(sys.argv[3]), row=sys.argv[4], rusage_us_per_op=float(sys.argv[5]) if sys.argv[5] else None); print(json.dumps(r))' \
        "$json" "$server" "$pair" "$label" "$rusage" >>"$results"
    done
    if [ -n "$started" ]; then stop_server; fi
  done
done

python3 - "$results" "$pairs" "$seconds" "$ec_ref" "$rsa_ref" "$(git rev-parse --short HEAD)" "$warmup" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
pairs, seconds = sys.argv[2:4]
sign = {"EcdsaSha256": 1e6 / float(sys.argv[4]), "RsaPkcs1Sha256": 1e6 / float(sys.argv[5])}
order = ["floor", "epoll", "epoll-shared", "socket", "kestrel", "grpc", "keyserver", "keyserver-epoll"]
med = lambda rs, k: statistics.median(r[k] for r in rs) if rs and all(r.get(k) is not None for r in rs) else float("nan")
print("| row | server | ops/s | p50 µs | p99 µs | server CPU µs/op | CPU ÷ openssl sign | ÷ C floor | errors | getrusage µs/op (whole life) |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for row in dict.fromkeys(r["row"] for r in rows):
    cpu = {}
    for server in order:
        m = [r for r in rows if r["row"] == row and r["server"] == server]
        if not m:
            continue
        cpu[server] = med(m, "server_cpu_us_per_op")
        rusage = f"{med(m, 'rusage_us_per_op'):,.1f}" if all(r.get("rusage_us_per_op") is not None for r in m) else ""
        versus = f"{cpu[server] / cpu['floor']:.2f}" if "floor" in cpu else ""
        errors = sum(sum(e.values()) if isinstance(e, dict) else (e or 0) for e in (r.get("errors") for r in m))
        print(f"| {row} | {server} | {med(m, 'ops_per_second'):,.0f} | {med(m, 'p50_us'):,.0f} | {med(m, 'p99_us'):,.0f} | "
              f"{cpu[server]:,.1f} | {cpu[server] / sign[m[0]['operation']]:.2f} | {versus} | {errors} | {rusage} |")
        each = lambda k, fmt: " ".join(fmt % r[k] for r in m if r.get(k) is not None)
        print(f"|   each run | {server} | {each('ops_per_second', '%.0f')} | | | {each('server_cpu_us_per_op', '%.1f')} | | | | |")
    # What each layer adds to the one below it, CPU µs per operation (medians).
    steps = [s for s in order if s in cpu]
    if len(steps) > 1:
        print("|   each layer adds | " + " → ".join(f"{b} {cpu[b] - cpu[a]:+,.1f}" for a, b in zip(steps, steps[1:])) + " | | | | | | | | |")
print(f"\nfloor = bench/floor/keyless-floor (one thread, epoll, OpenSSL); epoll = bench/KeylessGeo.EpollFloor (the same in C#); socket, kestrel, grpc = bench/KeylessGeo.StackFloor --stack …; "
      f"keyserver = {sys.argv[6]} (working tree); {pairs} alternating rounds, {seconds} s per row after {sys.argv[7]} s warm-up; "
      f"openssl sign (one core, same run): ECDSA P-256 {sign['EcdsaSha256']:.1f} µs, RSA-2048 {sign['RsaPkcs1Sha256']:.1f} µs; "
      f"{open('/proc/cpuinfo').read().count('processor')} cores; load average at end {' '.join(open('/proc/loadavg').read().split()[:3])}")
PY
