#!/usr/bin/env bash
# Full TLS 1.3 handshakes through nginx (Debian's package) with the keylessgeo engine — the key in a
# keyserver, reached through the edge agent's Keyless Unix socket — against the same nginx with the
# same key on local disk, in the same run, alternating, for ECDSA P-256 and RSA-2048 (RSA-PSS); then
# the same four rows against our edge host (edge-agent/KeylessGeo.EdgeHost, the same engine).
# Reports handshakes per second, handshake latency p50/p99 (TCP connect to handshake done, no
# session resumption) from a Python client with N concurrent processes, the terminator's CPU per
# handshake (nginx workers, or the edge host; user + system from /proc) and, for keyless rows, the
# agent's and keyserver's CPU per handshake. Last, a handshake flood (FLOOD_CONCURRENCY clients,
# default 64) against an edge host allowed FLOOD_SLOTS handshakes at once (default 8): its threads
# (peak of /proc/PID/status while flooded), completed and refused handshakes.
#   scripts/bench-edge-tls.sh [seconds-per-run] [concurrency]     (defaults 10 and 8)
# Needs nginx and python3. Prints a markdown table; raw JSON lines go to bench/results/edge-tls-latest.jsonl.
# The client shares the machine: on 2 cores its own handshake work caps both rows alike.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
concurrency="${2:-8}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

out=bench/results; mkdir -p "$out"
work="$(mktemp -d)"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done; rm -rf "$work"; }
trap cleanup EXIT

for project in services/KeylessGeo.Cli edge-agent/KeylessGeo.EdgeAgent edge-agent/KeylessGeo.EdgeHost; do
  dotnet build -c Release -v q --nologo "$project" >/dev/null
done
./scripts/build-engine.sh >/dev/null
engine="$(pwd)/.artifacts/engine/keylessgeo.so"
cli=services/KeylessGeo.Cli/bin/Release/net10.0/keylessgeo.dll
keyserver=keyserver/KeylessGeo.KeyServer/bin/Release/net10.0/KeylessGeo.KeyServer.dll
agent=edge-agent/KeylessGeo.EdgeAgent/bin/Release/net10.0/KeylessGeo.EdgeAgent.dll
edgehost=edge-agent/KeylessGeo.EdgeHost/bin/Release/net10.0/KeylessGeo.EdgeHost.dll

dotnet "$cli" demo --keep "$work/demo" --no-serve >/dev/null
tls="$work/demo/tls"
keys="$work/demo/keys"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { # test-command pid log
  for _ in $(seq 1 300); do
    eval "$1" && return 0
    kill -0 "$2" 2>/dev/null || { cat "$3"; exit 1; }
    sleep 0.1
  done
  echo "timed out waiting for: $1" >&2; cat "$3"; exit 1
}

gport=$(free_port); kport=$(free_port)
dotnet "$keyserver" \
  --KeyServer:Id ks-bench --KeyServer:Datacenter bench1 --KeyServer:KeysDirectory "$keys" \
  --Listen:Port "$gport" --Keyless:Port "$kport" --Telemetry:Prometheus:Port 0 --Listen:CertificatePath "$tls/server.crt" \
  --Listen:KeyPath "$tls/server.key" --Listen:ClientCaPath "$tls/ca.crt" \
  --Logging:LogLevel:Default Warning >"$work/keyserver.log" 2>&1 &
keyserver_pid=$!; pids+=("$keyserver_pid")
wait_for "(exec 3<>/dev/tcp/127.0.0.1/$gport) 2>/dev/null" "$keyserver_pid" "$work/keyserver.log"

socket="$work/agent.keyless.sock"
dotnet "$agent" \
  --Agent:Id agent-bench --Agent:Datacenter bench1 \
  --Endpoint:KeylessUnixSocket "$socket" --Endpoint:GrpcUnixSocket "" \
  --Upstreams:LocalKeyserver "https://localhost:$gport" --Upstreams:Discover false \
  --Upstreams:CertificatePath "$tls/client.crt" --Upstreams:KeyPath "$tls/client.key" --Upstreams:CaPath "$tls/ca.crt" \
  --Telemetry:Prometheus:Port 0 --Logging:LogLevel:Default Warning >"$work/agent.log" 2>&1 &
agent_pid=$!; pids+=("$agent_pid")
wait_for "[ -S '$socket' ]" "$agent_pid" "$work/agent.log"

# nginx: the deploy example's engine configuration; one port, a keyless and a local-disk server per key.
port=$(free_port)
sed -e "s|/usr/lib/keylessgeo/keylessgeo.so|$engine|" -e "s|/run/keylessgeo/edge-agent.keyless.sock|$socket|" \
  deploy/nginx/openssl-keylessgeo.cnf >"$work/openssl-keylessgeo.cnf"
user_line=""; [ "$(id -u)" -eq 0 ] && user_line="user root root;"
server() { # name certificate key
  printf '    server { listen 127.0.0.1:%s ssl; server_name %s; ssl_certificate %s; ssl_certificate_key %s; location / { return 200 "ok\\n"; } }\n' "$port" "$1" "$2" "$3"
}
{
  echo "$user_line"
  echo "worker_processes auto; pid $work/nginx.pid; error_log $work/nginx.log notice;"
  echo "events { worker_connections 4096; }"
  echo "http { access_log off; ssl_protocols TLSv1.2 TLSv1.3; ssl_session_cache off; ssl_session_tickets off;"
  for p in client_body proxy fastcgi uwsgi scgi; do echo "    ${p}_temp_path $work/${p}_temp;"; done
  server ec.keyless "$keys/demo-ecdsa-p256.crt" "engine:keylessgeo:$keys/demo-ecdsa-p256.crt"
  server ec.local "$keys/demo-ecdsa-p256.crt" "$keys/demo-ecdsa-p256.key"
  server rsa.keyless "$keys/demo-rsa2048.crt" "engine:keylessgeo:$keys/demo-rsa2048.crt"
  server rsa.local "$keys/demo-rsa2048.crt" "$keys/demo-rsa2048.key"
  echo "}"
} >"$work/nginx.conf"
OPENSSL_CONF="$work/openssl-keylessgeo.cnf" nginx -p "$work/" -c "$work/nginx.conf" -e "$work/nginx.log" -g 'daemon off;' &
nginx_pid=$!; pids+=("$nginx_pid")
wait_for "(exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null" "$nginx_pid" "$work/nginx.log"

cat >"$work/handshakes.py" <<'PY'
import json, multiprocessing, socket, ssl, sys, time

def worker(args):
    port, name, seconds = args
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    latencies, failures = [], 0
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        start = time.perf_counter()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
                with context.wrap_socket(raw, server_hostname=name) as tls:
                    tls.do_handshake()
            latencies.append(time.perf_counter() - start)
        except OSError:
            failures += 1
    return latencies, failures

port, name, seconds, concurrency, label = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
with multiprocessing.Pool(concurrency) as pool:
    worker((port, name, 0.5))  # warm-up: first connection, agent and keyserver paths
    results = pool.map(worker, [(port, name, seconds)] * concurrency)
latencies = sorted(l for r in results for l in r[0])
failures = sum(r[1] for r in results)
pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else float("nan")
row = {"server": name, "seconds": seconds, "concurrency": concurrency, "handshakes": len(latencies),
       "failures": failures, "per_second": len(latencies) / seconds, "p50_ms": pick(0.50), "p99_ms": pick(0.99)}
print(json.dumps(row))
print(f"| {label} | {row['per_second']:.0f} | {row['p50_ms']:.2f} ms | {row['p99_ms']:.2f} ms | {failures} |")
PY

# CPU seconds (user + system) of the given PIDs, from /proc/PID/stat.
cpu_seconds() { local total=0 pid; for pid in "$@"; do total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done; echo "$total $(getconf CLK_TCK)"; }
nginx_workers() { pgrep -P "$nginx_pid" | tr '\n' ' '; }

edge_host() { # port slots log
  dotnet "$edgehost" --Host:Id edge-bench --Https:Address 127.0.0.1 --Https:Port "$1" --Telemetry:Prometheus:Port "${4:-0}" \
    --Engine:Path "$engine" --Engine:Commands:SOCKET_PATH "$socket" --Engine:Commands:DEADLINE_MS 1000 --Handshakes:MaxConcurrent "$2" \
    --Certificates:0:Hosts:0 ec.keyless --Certificates:0:CertificatePath "$keys/demo-ecdsa-p256.crt" \
    --Certificates:1:Hosts:0 ec.local --Certificates:1:CertificatePath "$keys/demo-ecdsa-p256.crt" --Certificates:1:LocalKeyPath "$keys/demo-ecdsa-p256.key" \
    --Certificates:2:Hosts:0 rsa.keyless --Certificates:2:CertificatePath "$keys/demo-rsa2048.crt" \
    --Certificates:3:Hosts:0 rsa.local --Certificates:3:CertificatePath "$keys/demo-rsa2048.crt" --Certificates:3:LocalKeyPath "$keys/demo-rsa2048.key" \
    --Logging:LogLevel:Default Warning >"$3" 2>&1 &
}
hport=$(free_port)
edge_host "$hport" 64 "$work/edgehost.log"
edgehost_pid=$!; pids+=("$edgehost_pid")
wait_for "(exec 3<>/dev/tcp/127.0.0.1/$hport) 2>/dev/null" "$edgehost_pid" "$work/edgehost.log"

# Warm-up: a few seconds of handshakes to every server of both terminators (JIT, the agent's
# connection to the keyserver, the engine's connection to the agent in each nginx worker).
for tport in "$port" "$hport"; do
  for name in ec.keyless ec.local rsa.keyless rsa.local; do
    python3 "$work/handshakes.py" "$tport" "$name" 2 "$concurrency" warm-up >/dev/null
  done
done

results="$out/edge-tls-latest.jsonl"; : >"$results"
echo "| terminator | key | key held | handshakes/s | p50 | p99 | failures | terminator CPU µs/handshake | agent + keyserver CPU µs/handshake |"
echo "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for terminator in nginx edgehost; do
  tport=$port; [ "$terminator" = edgehost ] && tport=$hport
  for key in ec rsa; do
    for round in 1 2; do
      for where in keyless local; do
        server_pids="$edgehost_pid"; [ "$terminator" = nginx ] && server_pids="$(nginx_workers)"
        label="$([ "$terminator" = nginx ] && echo nginx || echo "edge host") | $([ "$key" = ec ] && echo "ECDSA P-256" || echo "RSA-2048") | $([ "$where" = keyless ] && echo "keyserver (engine)" || echo "local disk")"
        read -r t0 hz <<<"$(cpu_seconds $server_pids)"; read -r b0 _ <<<"$(cpu_seconds "$agent_pid" "$keyserver_pid")"
        output=$(python3 "$work/handshakes.py" "$tport" "$key.$where" "$seconds" "$concurrency" "$label")
        read -r t1 _ <<<"$(cpu_seconds $server_pids)"; read -r b1 _ <<<"$(cpu_seconds "$agent_pid" "$keyserver_pid")"
        python3 - "$(head -n 1 <<<"$output")" "$round" "$terminator" "$((t1 - t0))" "$((b1 - b0))" "$hz" "$label" >>"$results" <<'PY'
import json, sys
row = json.loads(sys.argv[1]); ticks, backend, hz = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
n = max(row["handshakes"], 1)
row.update(round=int(sys.argv[2]), terminator=sys.argv[3],
           terminator_cpu_us=round(ticks / hz * 1e6 / n, 1), backend_cpu_us=round(backend / hz * 1e6 / n, 1))
print(json.dumps(row))
print(f"| {sys.argv[7]} | {row['per_second']:.0f} | {row['p50_ms']:.2f} ms | {row['p99_ms']:.2f} ms | {row['failures']} | "
      f"{row['terminator_cpu_us']:.0f} | {row['backend_cpu_us'] if 'keyless' in row['server'] else 0:.0f} |", file=sys.stderr)
PY
      done
    done
  done
done 2>&1

# The flood: more clients than the edge host's handshake slots; its threads stay bounded.
flood_clients="${FLOOD_CONCURRENCY:-64}"; flood_slots="${FLOOD_SLOTS:-8}"
fport=$(free_port); fmetrics=$(free_port)
edge_host "$fport" "$flood_slots" "$work/edgehost-flood.log" "$fmetrics"
flood_pid=$!; pids+=("$flood_pid")
wait_for "(exec 3<>/dev/tcp/127.0.0.1/$fport) 2>/dev/null" "$flood_pid" "$work/edgehost-flood.log"
idle_threads=$(awk '/^Threads:/ {print $2}' "/proc/$flood_pid/status")
python3 "$work/handshakes.py" "$fport" ec.keyless "$seconds" "$flood_clients" "flood" >"$work/flood.out" &
client=$!
peak=0
while kill -0 "$client" 2>/dev/null; do
  threads=$(awk '/^Threads:/ {print $2}' "/proc/$flood_pid/status"); [ "$threads" -gt "$peak" ] && peak=$threads
  sleep 0.2
done
wait "$client"
counts=$(curl -s "http://127.0.0.1:$fmetrics/metrics" | awk '/^keylessgeo_edge_host_handshakes_total/ {print}')
echo
echo "Flood: $flood_clients clients against an edge host with Handshakes:MaxConcurrent $flood_slots (ECDSA P-256, keyless):"
echo "  threads idle $idle_threads, peak while flooded $peak; client: $(head -n 1 "$work/flood.out")"
echo "$counts" | sed 's/^/  /'
