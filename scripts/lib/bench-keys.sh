# Sourced by the benchmark scripts, from the repository root: the CA, TLS certificates and signing
# keys every keyserver benchmark uses, written by the CLI's demo (`keylessgeo demo --keep DIR --no-serve`).
#   bench_prepare_keys DIR   builds the CLI, then writes DIR/tls/{ca.crt,server.crt,server.key,client.crt,client.key}
#                            and DIR/keys/demo-ecdsa-p256.{crt,key}, demo-rsa2048.{crt,key}, demo-ed25519.key
bench_prepare_keys() {
  dotnet build -c Release -v q --nologo services/KeylessGeo.Cli >/dev/null
  dotnet services/KeylessGeo.Cli/bin/Release/net10.0/keylessgeo.dll demo --keep "$1" --no-serve >/dev/null
}
