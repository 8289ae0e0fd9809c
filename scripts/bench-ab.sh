#!/usr/bin/env bash
# A/B benchmark of the gRPC rows between an earlier build of this repository and the working tree,
# alternating builds (old, new, old, new, ...) so drift on the machine hits both alike.
#   scripts/bench-ab.sh [seconds-per-scenario]          (default 10)
#   BASE=e790f1f PAIRS=3 scripts/bench-ab.sh 10         (BASE: the earlier commit; PAIRS: old/new pairs)
#   ROWS="1 3" scripts/bench-ab.sh 5                     (only these rows of the table below, numbered from 1)
# Each build runs its own keyserver and its own LoadGen. The LoadGen's server-CPU probe
# (bench/KeylessGeo.LoadGen/ServerCpu.cs) is added to the earlier build's LoadGen when it lacks it, so
# both report the keyserver's CPU time per operation for the same window. Prints the medians per row and
# build, and new/old ratios; raw JSON lines go to bench/results/ab.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
base="${BASE:-e790f1f}"
pairs="${PAIRS:-3}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

out=bench/results; mkdir -p "$out"
work="$(mktemp -d)"
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# The earlier build: an export of BASE (no worktree, nothing left in .git), plus the CPU probe.
mkdir -p "$work/old"
git archive "$base" | tar -x -C "$work/old"
if [ ! -f "$work/old/bench/KeylessGeo.LoadGen/ServerCpu.cs" ]; then
  cp bench/KeylessGeo.LoadGen/ServerCpu.cs "$work/old/bench/KeylessGeo.LoadGen/"
  python3 - "$work/old/bench/KeylessGeo.LoadGen/Program.cs" <<'PY'
import sys
p = sys.argv[1]; s = open(p).read()
s = s.replace("LatencyRecorder.Measuring = true;\n", "LatencyRecorder.Measuring = true;\n        var serverCpu = ServerCpu.StartFromEnvironment();\n", 1)
s = s.replace("var elapsed = TimeProvider.System.GetElapsedTime(started);\n", "var elapsed = TimeProvider.System.GetElapsedTime(started);\n        var serverCpuSeconds = serverCpu?.ElapsedSeconds();\n", 1)
s = s.replace("            errors,\n        };", "            errors,\n            server_cpu_us_per_op = serverCpuSeconds is { } cpu && answered > 0 ? Math.Round(cpu * 1e6 / answered, 1) : (double?)null,\n        };", 1)
assert s.count("ServerCpu.StartFromEnvironment") == 1 and s.count("server_cpu_us_per_op") == 1, "cannot add the CPU probe to the base LoadGen"
open(p, "w").write(s)
PY
fi

for tree in "$work/old" .; do
  for project in keyserver/KeylessGeo.KeyServer bench/KeylessGeo.LoadGen; do
    dotnet build -c Release -v q --nologo "$tree/$project" >/dev/null
  done
done
dotnet build -c Release -v q --nologo services/KeylessGeo.Cli >/dev/null
dotnet services/KeylessGeo.Cli/bin/Release/net10.0/keylessgeo.dll demo --keep "$work/demo" --no-serve >/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_keyserver() { # tree
  port=$(free_port)
  dotnet "$1/keyserver/KeylessGeo.KeyServer/bin/Release/net10.0/KeylessGeo.KeyServer.dll" \
    --KeyServer:Id ks-bench --KeyServer:Datacenter bench1 --KeyServer:KeysDirectory "$work/demo/keys" \
    --Listen:Port "$port" --Keyless:Port -1 --Telemetry:Prometheus:Port 0 --Listen:CertificatePath "$work/demo/tls/server.crt" \
    --Listen:KeyPath "$work/demo/tls/server.key" --Listen:ClientCaPath "$work/demo/tls/ca.crt" \
    --Logging:LogLevel:Default Warning >"$work/keyserver.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/keyserver.log"; exit 1; }
    sleep 0.1
  done
  echo "keyserver did not start" >&2; exit 1
}

stop_keyserver() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""; }

scenarios=(
  "stream demo-ecdsa-p256 EcdsaSha256 1 128 2000"
  "stream demo-rsa2048 RsaPkcs1Sha256 1 32 2000"
  "unary demo-ecdsa-p256 EcdsaSha256 2 32 2000"
  "stream demo-rsa2048 RsaPkcs1Sha256 4 512 100"
)

: >"$out/ab.jsonl"
for pair in $(seq 1 "$pairs"); do
  for build in old new; do
    tree="$work/old"; [ "$build" = new ] && tree=.
    start_keyserver "$tree"
    for index in "${!scenarios[@]}"; do
      [ -n "${ROWS:-}" ] && [[ " $ROWS " != *" $((index + 1)) "* ]] && continue
      set -- ${scenarios[$index]}
      json=$(LOADGEN_SERVER_PID=$server_pid dotnet "$tree/bench/KeylessGeo.LoadGen/bin/Release/net10.0/KeylessGeo.LoadGen.dll" \
        --address "https://localhost:$port" --ca "$work/demo/tls/ca.crt" \
        --cert "$work/demo/tls/client.crt" --key "$work/demo/tls/client.key" \
        --mode "$1" --key-id "$2" --operation "$3" --connections "$4" --inflight "$5" \
        --timeout-ms "$6" --duration "$seconds" --warmup 3)
      python3 -c 'import json,sys; r=json.loads(sys.argv[1]); r.update(build=sys.argv[2], pair=int(sys.argv[3]), row=sys.argv[4]); print(json.dumps(r))' \
        "$json" "$build" "$pair" "$1 $3 $4x$5 timeout $6 ms" >>"$out/ab.jsonl"
    done
    stop_keyserver
  done
done

python3 - "$out/ab.jsonl" "$base" "$(git rev-parse --short HEAD)" "$pairs" "$seconds" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
base, head, pairs, seconds = sys.argv[2:6]
print(f"| row | old ops/s (median) | new ops/s (median) | new/old | old p99 µs | new p99 µs | old server CPU µs/op | new server CPU µs/op | new/old CPU |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for row in dict.fromkeys(r["row"] for r in rows):
    m = {b: [r for r in rows if r["row"] == row and r["build"] == b] for b in ("old", "new")}
    med = lambda b, k: statistics.median(r[k] for r in m[b])
    print(f"| {row} | {med('old','ops_per_second'):.0f} | {med('new','ops_per_second'):.0f} | {med('new','ops_per_second')/med('old','ops_per_second'):.2f} "
          f"| {med('old','p99_us'):.0f} | {med('new','p99_us'):.0f} | {med('old','server_cpu_us_per_op'):.1f} | {med('new','server_cpu_us_per_op'):.1f} "
          f"| {med('new','server_cpu_us_per_op')/med('old','server_cpu_us_per_op'):.2f} |")
    runs = {b: " ".join("%.0f" % r["ops_per_second"] for r in m[b]) for b in m}
    print(f"|   each run | {runs['old']} | {runs['new']} | | | | | | |")
print(f"\nold = {base}, new = {head} (working tree); {pairs} alternating pairs, {seconds} s per row after 3 s warm-up; load average at end {open('/proc/loadavg').read().split()[:3]}")
PY
