# Sourced by the benchmark scripts, from the repository root: free ports, a keyserver process on the
# demo's keys, and `openssl speed` as the floor of a run.

# A free TCP port on 127.0.0.1.
bench_free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# bench_start_keyserver DLL DEMO LOG KEYLESS [NAME=VALUE ...]: starts the keyserver DLL on the keys and
# TLS files of DEMO (bench_prepare_keys), gRPC on a free port, the Keyless listener on another when KEYLESS
# is non-empty, the NAME=VALUE pairs in its environment, output to LOG; waits until its ports accept.
# Sets port, kport (-1 without Keyless) and server_pid; on failure prints LOG and exits 1.
bench_start_keyserver() {
  local dll="$1" demo="$2" log="$3" keyless="$4"
  shift 4
  port=$(bench_free_port)
  kport=-1; [ -n "$keyless" ] && kport=$(bench_free_port)
  env "$@" dotnet "$dll" \
    --KeyServer:Id ks-bench --KeyServer:Datacenter bench1 --KeyServer:KeysDirectory "$demo/keys" \
    --Listen:Port "$port" --Keyless:Port "$kport" --Telemetry:Prometheus:Port 0 --Listen:CertificatePath "$demo/tls/server.crt" \
    --Listen:KeyPath "$demo/tls/server.key" --Listen:ClientCaPath "$demo/tls/ca.crt" \
    --Logging:LogLevel:Default Warning >"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { [ "$kport" = -1 ] || (exec 3<>"/dev/tcp/127.0.0.1/$kport") 2>/dev/null; }; then
      bench_wait_idle "$server_pid"
      return 0
    fi
    kill -0 "$server_pid" 2>/dev/null || { cat "$log"; exit 1; }
    sleep 0.1
  done
  echo "keyserver did not start" >&2; exit 1
}

# bench_wait_idle PID: waits (at most 30 s) until PID spends under 3 clock ticks of CPU in half a second.
# A keyserver accepts connections before its background start-up work is done: capacity calibration
# generates RSA keys and signs with every algorithm for about 4 s of CPU on this machine, and until it has
# measured an algorithm the event loops do not sign it inline. Measuring before that measures calibration.
bench_wait_idle() {
  local before after
  for _ in $(seq 1 60); do
    before=$(awk '{print $14 + $15}' "/proc/$1/stat")
    sleep 0.5
    after=$(awk '{print $14 + $15}' "/proc/$1/stat")
    [ $((after - before)) -lt 3 ] && return 0
  done
  echo "process $1 did not go idle within 30 s; measuring anyway" >&2
}

# bench_openssl_speed SECONDS: single-core OpenSSL on this machine, in the same run; sets ec_ref and
# rsa_ref (ECDSA P-256 and RSA-2048 signatures per second) and prints them to stderr.
bench_openssl_speed() {
  local speed
  speed=$(openssl speed -seconds "$1" ecdsap256 rsa2048 2>/dev/null)
  rsa_ref=$(awk '/^rsa 2048 bits/ {print $6}' <<<"$speed")
  ec_ref=$(awk '/nistp256\)/ {print $7}' <<<"$speed")
  echo "openssl speed -seconds $1 ecdsap256 rsa2048 (one core): ECDSA P-256 sign ${ec_ref}/s, RSA-2048 sign ${rsa_ref}/s" >&2
}
