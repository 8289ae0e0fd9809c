#!/usr/bin/env bash
# A/B benchmark between an earlier build of this repository and the working tree, alternating builds
# (old, new, old, new, ...) so drift on the machine hits both alike.
#   scripts/bench-ab.sh [seconds-per-scenario]          (default 10)
#   BASE=e790f1f PAIRS=3 scripts/bench-ab.sh 10         (BASE: the earlier commit; PAIRS: old/new pairs)
#   ROWS="1 3" scripts/bench-ab.sh 5                     (only these rows of the suite's table, numbered from 1)
#   SUITE=cpu BASE=6a32447 scripts/bench-ab.sh 5         (the hot-path rows: Keyless and gRPC, 8 x 1 and deep; see bench-cpu.sh)
#   BASE= scripts/bench-ab.sh                            (no earlier build: the working tree only, PAIRS runs of it)
#   BASE=HEAD BENCH_ENV_NEW="NAME=1" scripts/bench-ab.sh  (the same build twice; the "new" keyserver gets the variable)
# Suites: SUITE=grpc (default; the four gRPC rows of issue 9) and SUITE=cpu (issue 13: server CPU per
# operation). Each build runs its own keyserver; the LoadGen is each build's own (LOADGEN=own, the grpc
# suite's default) or the working tree's for both (LOADGEN=new, the cpu suite's default: the keyserver is
# what is compared, and only the new LoadGen paces a run with LOADGEN_RATE). The LoadGen's server-CPU
# probe (bench/KeylessGeo.LoadGen/ServerCpu.cs) is added to the earlier build's LoadGen when it lacks it,
# so both report the keyserver's CPU time (user + system from /proc/PID/stat) per operation for the same
# window. `openssl speed` (single core) runs at the start, in the same run, as the floor. Prints the
# medians per row and build, and new/old ratios; raw JSON lines go to bench/results/ab.jsonl
# (BENCH_OUT overrides the file).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/bench-keys.sh
. scripts/lib/bench-run.sh
seconds="${1:-10}"
suite="${SUITE:-grpc}"
base="${BASE-e790f1f}"
pairs="${PAIRS:-3}"
speed_seconds="${SPEED_SECONDS:-3}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
case "$suite" in
  grpc) loadgen_choice="${LOADGEN:-own}" ;;
  cpu) loadgen_choice="${LOADGEN:-new}" ;;
  *) echo "SUITE must be grpc or cpu, got '$suite'" >&2; exit 2 ;;
esac
builds="new"; [ -n "$base" ] && builds="old new"

out=bench/results; mkdir -p "$out"
results="${BENCH_OUT:-$out/ab.jsonl}"
work="$(mktemp -d)"
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# The earlier build: an export of BASE (no worktree, nothing left in .git), plus the CPU probe.
trees="."
if [ -n "$base" ]; then
  trees="$work/old ."
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
fi

for tree in $trees; do
  projects="keyserver/KeylessGeo.KeyServer"
  [ "$loadgen_choice" = own ] || [ "$tree" = . ] && projects="$projects bench/KeylessGeo.LoadGen"
  for project in $projects; do
    dotnet build -c Release -v q --nologo "$tree/$project" >/dev/null
  done
done
bench_prepare_keys "$work/demo"

start_keyserver() { # tree build
  build_env=""; [ "$2" = old ] && build_env="${BENCH_ENV_OLD:-}"; [ "$2" = new ] && build_env="${BENCH_ENV_NEW:-}"
  keyless=""; [ "$suite" = cpu ] && keyless=yes
  # Unquoted on purpose: each variable holds NAME=VALUE pairs separated by spaces.
  bench_start_keyserver "$1/keyserver/KeylessGeo.KeyServer/bin/Release/net10.0/KeylessGeo.KeyServer.dll" \
    "$work/demo" "$work/keyserver.log" "$keyless" ${BENCH_KEYSERVER_ENV:-} $build_env
}

stop_keyserver() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""; }

# mode key operation connections in-flight timeout-ms [paced]: "paced" runs at half the peak of row 1
# (the first closed-loop figure of row 1 in this run, or HALF_PEAK_RATE), so both builds see the same rate.
if [ "$suite" = grpc ]; then
  scenarios=(
    "stream demo-ecdsa-p256 EcdsaSha256 1 128 2000"
    "stream demo-rsa2048 RsaPkcs1Sha256 1 32 2000"
    "unary demo-ecdsa-p256 EcdsaSha256 2 32 2000"
    "stream demo-rsa2048 RsaPkcs1Sha256 4 512 100"
  )
else
  scenarios=(
    "keyless demo-ecdsa-p256 EcdsaSha256 8 1 2000"
    "keyless demo-rsa2048 RsaPkcs1Sha256 8 1 2000"
    "stream demo-ecdsa-p256 EcdsaSha256 8 1 2000"
    "stream demo-rsa2048 RsaPkcs1Sha256 8 1 2000"
    "keyless demo-ecdsa-p256 EcdsaSha256 4 64 2000"
    "keyless demo-rsa2048 RsaPkcs1Sha256 4 64 2000"
    "stream demo-ecdsa-p256 EcdsaSha256 1 128 2000"
    "stream demo-rsa2048 RsaPkcs1Sha256 1 32 2000"
    "keyless-flood demo-ecdsa-p256 EcdsaSha256 4 1 2000"
    "keyless-flood demo-rsa2048 RsaPkcs1Sha256 4 1 2000"
    "stream demo-rsa2048 RsaPkcs1Sha256 4 512 100"
    "keyless demo-ecdsa-p256 EcdsaSha256 8 1 2000 paced"
  )
fi

# The floor: single-core OpenSSL, same machine, same run.
bench_openssl_speed "$speed_seconds"

half_peak="${HALF_PEAK_RATE:-}"
: >"$results"
for pair in $(seq 1 "$pairs"); do
  for build in $builds; do
    tree="$work/old"; [ "$build" = new ] && tree=.
    loadgen="$tree/bench/KeylessGeo.LoadGen/bin/Release/net10.0/KeylessGeo.LoadGen.dll"
    [ "$loadgen_choice" = new ] && loadgen=bench/KeylessGeo.LoadGen/bin/Release/net10.0/KeylessGeo.LoadGen.dll
    start_keyserver "$tree" "$build"
    for index in "${!scenarios[@]}"; do
      [ -n "${ROWS:-}" ] && [[ " $ROWS " != *" $((index + 1)) "* ]] && continue
      set -- ${scenarios[$index]}
      rate=""; label="$1 $3 $4x$5 timeout $6 ms"
      if [ "${7:-}" = paced ]; then
        [ -n "$half_peak" ] || { echo "row $((index + 1)) needs row 1 or HALF_PEAK_RATE" >&2; continue; }
        rate="$half_peak"; label="$1 $3 $4x$5 at half the peak of row 1"
      fi
      if [[ "$1" == keyless* ]]; then
        target=(--address "https://localhost:$kport" --public-key "$work/demo/keys/$2.crt")
      else
        target=(--address "https://localhost:$port" --key-id "$2")
      fi
      json=$(LOADGEN_SERVER_PID=$server_pid LOADGEN_RATE="$rate" dotnet "$loadgen" "${target[@]}" \
        --ca "$work/demo/tls/ca.crt" --cert "$work/demo/tls/client.crt" --key "$work/demo/tls/client.key" \
        --mode "$1" --operation "$3" --connections "$4" --inflight "$5" \
        --timeout-ms "$6" --duration "$seconds" --warmup 3)
      if [ "$suite" = cpu ] && [ "$index" = 0 ] && [ -z "$half_peak" ]; then
        half_peak=$(python3 -c 'import json,sys; print(round(json.loads(sys.argv[1])["ops_per_second"] / 2))' "$json")
      fi
      python3 -c 'import json,sys; r=json.loads(sys.argv[1]); r.update(build=sys.argv[2], pair=int(sys.argv[3]), row=sys.argv[4], rate=sys.argv[5] or None); print(json.dumps(r))' \
        "$json" "$build" "$pair" "$label" "$rate" >>"$results"
    done
    stop_keyserver
  done
done

python3 - "$results" "$base" "$(git rev-parse --short HEAD)" "$pairs" "$seconds" "$ec_ref" "$rsa_ref" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
base, head, pairs, seconds = sys.argv[2:6]
floor = {"EcdsaSha256": 1e6 / float(sys.argv[6]), "RsaPkcs1Sha256": 1e6 / float(sys.argv[7])}
builds = [b for b in ("old", "new") if any(r["build"] == b for r in rows)]
med = lambda rs, k: statistics.median(r[k] for r in rs) if rs and all(r.get(k) is not None for r in rs) else float("nan")
cols = ["ops/s", "p50 µs", "p99 µs", "server CPU µs/op"]
keys = ["ops_per_second", "p50_us", "p99_us", "server_cpu_us_per_op"]
head_cells = [f"{b} {c}" for c in cols for b in builds]
if len(builds) == 2:
    head_cells += ["new/old ops/s", "new/old CPU"]
print("| row | " + " | ".join(head_cells) + " | CPU ÷ openssl sign |")
print("|" + " --- |" + " ---: |" * (len(head_cells) + 1))
for row in dict.fromkeys(r["row"] for r in rows):
    m = {b: [r for r in rows if r["row"] == row and r["build"] == b] for b in builds}
    cells = []
    for k in keys:
        for b in builds:
            v = med(m[b], k)
            cells.append(f"{v:,.1f}" if k == "server_cpu_us_per_op" else f"{v:,.0f}")
    if len(builds) == 2:
        cells.append(f"{med(m['new'], 'ops_per_second') / med(m['old'], 'ops_per_second'):.2f}")
        cells.append(f"{med(m['new'], 'server_cpu_us_per_op') / med(m['old'], 'server_cpu_us_per_op'):.2f}")
    operation = m[builds[-1]][0]["operation"]
    ratio = " / ".join(f"{med(m[b], 'server_cpu_us_per_op') / floor[operation]:.2f}" for b in builds) if operation in floor else ""
    print(f"| {row} | " + " | ".join(cells) + f" | {ratio} |")
    each = lambda k, fmt: " · ".join(b + " " + " ".join(fmt % r[k] for r in m[b] if r.get(k) is not None) for b in builds)
    print(f"|   each run: ops/s {each('ops_per_second', '%.0f')}; CPU µs/op {each('server_cpu_us_per_op', '%.1f')} |" + " |" * (len(head_cells) + 1))
    answered = [r for b in builds for r in m[b] if "flood" in r["mode"] or r["answered_per_second"] != r["ops_per_second"]]
    if answered:
        print(f"|   answered/s (OVERLOADED included): " + " · ".join(b + " " + " ".join("%.0f" % r["answered_per_second"] for r in m[b]) for b in builds) + " |" + " |" * (len(head_cells) + 1))
labels = {"old": base, "new": head + " (working tree)"}
print(f"\n{' / '.join(f'{b} = {labels[b]}' for b in builds)}; {pairs} {'alternating pairs' if len(builds) == 2 else 'runs'}, {seconds} s per row after 3 s warm-up; "
      f"openssl sign (one core, same run): ECDSA P-256 {floor['EcdsaSha256']:.1f} µs, RSA-2048 {floor['RsaPkcs1Sha256']:.1f} µs; "
      f"{open('/proc/cpuinfo').read().count('processor')} cores; load average at end {' '.join(open('/proc/loadavg').read().split()[:3])}")
PY
