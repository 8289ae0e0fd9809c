#!/usr/bin/env bash
# The edge agent's cost and its behaviour under overload: a terminator's Keyless requests to the
# agent (plaintext loopback TCP, as over its local socket) which sends them to the keyserver over
# gRPC SignStream with mutual TLS, against the same requests sent straight to the keyserver's
# Keyless TLS port, in the same run. For ECDSA P-256 and RSA-2048:
#   peak      closed loop, 8 connections × 16 in flight (direct and through the agent)
#   50%       open loop at half the agent's peak: p50/p99/p99.9 through the agent and direct
#   3×        open loop at three times the agent's peak through the agent: goodput vs peak
# with the agent's CPU per operation and resident memory (idle, and at the end of each run), the
# keyserver's CPU per operation, and `openssl speed` as the floor.
#   scripts/bench-agent.sh [seconds-per-run]     (default 10)
# Prints markdown tables; raw JSON lines go to bench/results/agent-latest.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

out=bench/results; mkdir -p "$out"
work="$(mktemp -d)"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done; rm -rf "$work"; }
trap cleanup EXIT

for project in services/KeylessGeo.Cli edge-agent/KeylessGeo.EdgeAgent bench/KeylessGeo.LoadGen; do
  dotnet build -c Release -v q --nologo "$project" >/dev/null
done
cli=services/KeylessGeo.Cli/bin/Release/net10.0/keylessgeo.dll
loadgen=bench/KeylessGeo.LoadGen/bin/Release/net10.0/KeylessGeo.LoadGen.dll
keyserver=keyserver/KeylessGeo.KeyServer/bin/Release/net10.0/KeylessGeo.KeyServer.dll
agent=edge-agent/KeylessGeo.EdgeAgent/bin/Release/net10.0/KeylessGeo.EdgeAgent.dll

dotnet "$cli" demo --keep "$work/demo" --no-serve >/dev/null
tls="$work/demo/tls"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { # port pid log
  for _ in $(seq 1 150); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { cat "$3"; exit 1; }
    sleep 0.1
  done
  echo "port $1 never opened" >&2; cat "$3"; exit 1
}
rss_mib() { awk '/^VmRSS:/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }

gport=$(free_port); kport=$(free_port)
dotnet "$keyserver" \
  --KeyServer:Id ks-bench --KeyServer:Datacenter bench1 --KeyServer:KeysDirectory "$work/demo/keys" \
  --Listen:Port "$gport" --Keyless:Port "$kport" --Telemetry:Prometheus:Port 0 --Listen:CertificatePath "$tls/server.crt" \
  --Listen:KeyPath "$tls/server.key" --Listen:ClientCaPath "$tls/ca.crt" \
  --Logging:LogLevel:Default Warning >"$work/keyserver.log" 2>&1 &
keyserver_pid=$!; pids+=("$keyserver_pid")
wait_port "$gport" "$keyserver_pid" "$work/keyserver.log"
wait_port "$kport" "$keyserver_pid" "$work/keyserver.log"

aport=$(free_port)
dotnet "$agent" \
  --Agent:Id agent-bench --Agent:Datacenter bench1 \
  --Endpoint:KeylessPort "$aport" --Endpoint:KeylessUnixSocket "" --Endpoint:GrpcUnixSocket "" \
  --Upstreams:LocalKeyserver "https://localhost:$gport" --Upstreams:Discover false \
  --Upstreams:CertificatePath "$tls/client.crt" --Upstreams:KeyPath "$tls/client.key" --Upstreams:CaPath "$tls/ca.crt" \
  --Telemetry:Prometheus:Port 0 --Logging:LogLevel:Default Warning >"$work/agent.log" 2>&1 &
agent_pid=$!; pids+=("$agent_pid")
wait_port "$aport" "$agent_pid" "$work/agent.log"
sleep 2
idle_rss=$(rss_mib "$agent_pid")

speed=$(openssl speed -seconds "$seconds" rsa2048 ecdsap256 2>/dev/null)
rsa_ref=$(awk '/^rsa 2048 bits/ {print $6}' <<<"$speed")
ec_ref=$(awk '/nistp256\)/ {print $7}' <<<"$speed")

direct() { # mode key operation extra...
  local mode=$1 key=$2 op=$3; shift 3
  LOADGEN_SERVER_PID=$keyserver_pid dotnet "$loadgen" --address "https://localhost:$kport" --ca "$tls/ca.crt" \
    --cert "$tls/client.crt" --key "$tls/client.key" --mode "$mode" --public-key "$work/demo/keys/$key.crt" \
    --operation "$op" --duration "${seconds}" --warmup 3 "$@"
}
via_agent() { # mode key operation extra...
  local mode=$1 key=$2 op=$3; shift 3
  LOADGEN_SERVER_PID=$keyserver_pid LOADGEN_AGENT_PID=$agent_pid dotnet "$loadgen" --address "tcp://127.0.0.1:$aport" \
    --mode "$mode" --public-key "$work/demo/keys/$key.crt" --operation "$op" --duration "$seconds" --warmup 3 "$@"
}
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

: >"$out/agent-latest.jsonl"
echo "| run | path | offered | goodput ops/s | vs peak | p50 µs | p99 µs | p99.9 µs | keyserver CPU µs/op | agent CPU µs/op | agent RSS MiB | errors |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
row() { # label path offered peak json
  echo "$5" >>"$out/agent-latest.jsonl"
  python3 - "$1" "$2" "$3" "$4" "$5" <<'PY'
import json, sys
label, path, offered, peak, r = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), json.loads(sys.argv[5])
vs = f"{r['ops_per_second']/peak:.2f}" if peak > 0 else "1.00"
agent_cpu = r.get('agent_cpu_us_per_op'); rss = r.get('agent_rss_mib')
print(f"| {label} | {path} | {offered} | {r['ops_per_second']:.0f} | {vs} | {r['p50_us']:.0f} | {r['p99_us']:.0f} | {r['p999_us']:.0f} | {r['server_cpu_us_per_op']} | {agent_cpu if agent_cpu is not None else '–'} | {rss if rss is not None else '–'} | {r['errors'] or 'none'} |")
PY
}

for scenario in "demo-ecdsa-p256 EcdsaSha256 ECDSA-P256" "demo-rsa2048 RsaPkcs1Sha256 RSA-2048"; do
  set -- $scenario; key=$1; op=$2; name=$3
  # Unmeasured: JIT and connections warm on both paths (the agent's node-local connect timeout is
  # 50 ms, which a cold keyserver's first TLS handshake can exceed).
  seconds=3 direct keyless "$key" "$op" --connections 8 --inflight 16 >/dev/null || true
  seconds=3 via_agent keyless "$key" "$op" --connections 8 --inflight 16 >/dev/null || true
  json=$(direct keyless "$key" "$op" --connections 8 --inflight 16); direct_peak=$(field "$json" ops_per_second)
  row "$name peak" direct "closed 8×16" 0 "$json"
  json=$(via_agent keyless "$key" "$op" --connections 8 --inflight 16); agent_peak=$(field "$json" ops_per_second)
  row "$name peak" agent "closed 8×16" 0 "$json"
  half=$(python3 -c "print(round($agent_peak*0.5))")
  row "$name 50%" direct "$half/s" "$half" "$(direct keyless-rate "$key" "$op" --connections 8 --rate "$half")"
  row "$name 50%" agent "$half/s" "$half" "$(via_agent keyless-rate "$key" "$op" --connections 8 --rate "$half")"
  triple=$(python3 -c "print(round($agent_peak*3))")
  row "$name 3× overload" agent "$triple/s" "$agent_peak" "$(via_agent keyless-rate "$key" "$op" --connections 8 --rate "$triple")"
done
echo
echo "Agent resident memory idle (after start, no traffic): ${idle_rss} MiB. openssl speed (single core, ${seconds}s): rsa2048 sign ${rsa_ref}/s, ecdsa p256 sign ${ec_ref}/s; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%d)"
