#!/usr/bin/env bash
# Keyserver CPU per operation (issue 13): the keyserver's own CPU time (user + system from
# /proc/PID/stat over the measured window) per completed operation, with throughput and p50/p99,
# for the Keyless protocol and gRPC SignStream, ECDSA P-256 and RSA-2048, at 8 connections x 1 in
# flight and at a deep pipeline, plus floods (goodput) and a run paced at half the peak of the first
# row; `openssl speed -seconds 3 ecdsap256 rsa2048` in the same run is the floor.
#   scripts/bench-cpu.sh [seconds-per-row]                     (default 10; the working tree only)
#   BASE=6a32447 PAIRS=3 scripts/bench-cpu.sh 5                (against an earlier commit, alternating old/new)
#   ROWS="1 2 3" BASE=6a32447 scripts/bench-cpu.sh 5           (only these rows)
# It is scripts/bench-ab.sh with SUITE=cpu: one keyserver per build per round, the working tree's
# LoadGen for both builds. Raw JSON lines: bench/results/cpu.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE="${BASE-}" PAIRS="${PAIRS:-1}" SUITE=cpu BENCH_OUT="${BENCH_OUT:-bench/results/cpu.jsonl}" exec scripts/bench-ab.sh "$@"
