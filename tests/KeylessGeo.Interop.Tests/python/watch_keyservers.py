"""Python grpcio client for WatchKeyservers on the real keyserver over mutual TLS: opens the
server-streaming call, reads the first list (and the second, which the refresh interval sends
again), then cancels the call and prints one JSON object with what it read. Usage:
watch_keyservers.py STUBS_DIR PORT CA CERT KEY"""
import json
import sys

import grpc

stubs, port, ca_path, cert_path, key_path = sys.argv[1:6]
sys.path.insert(0, stubs)
from keylessgeo.v1 import keyserver_pb2 as pb  # noqa: E402
from keylessgeo.v1 import keyserver_pb2_grpc as pb_grpc  # noqa: E402


def read(path):
    with open(path, "rb") as f:
        return f.read()


def as_dict(keyserver_list):
    return {
        "version": keyserver_list.version,
        "served_by": keyserver_list.served_by.keyserver_id,
        "keyservers": [{
            "keyserver_id": k.keyserver_id,
            "datacenter": k.datacenter,
            "grpc_endpoints": list(k.grpc_endpoints),
            "keyless_endpoints": list(k.keyless_endpoints),
            "algorithms": {a.algorithm: a.operations_per_second for a in k.algorithms},
            "accelerator_multiplier": k.accelerator.multiplier,
            "serving": k.serving,
        } for k in keyserver_list.keyservers],
    }


creds = grpc.ssl_channel_credentials(root_certificates=read(ca_path), private_key=read(key_path),
                                     certificate_chain=read(cert_path))
results = {}
with grpc.secure_channel("127.0.0.1:" + port, creds,
                         options=[("grpc.ssl_target_name_override", "localhost")]) as channel:
    stub = pb_grpc.KeyServerStub(channel)
    call = stub.WatchKeyservers(pb.WatchKeyserversRequest(), timeout=60)
    results["first"] = as_dict(next(call))
    results["second"] = as_dict(next(call))
    call.cancel()
    try:
        next(call)
        results["after_cancel"] = "ANOTHER_LIST"
    except grpc.RpcError as e:
        results["after_cancel"] = e.code().name

    try:
        next(stub.WatchKeyservers(pb.WatchKeyserversRequest(datacenter="nowhere1"), timeout=30))
        results["unknown_datacenter"] = "OK"
    except grpc.RpcError as e:
        results["unknown_datacenter"] = e.code().name

print(json.dumps(results))
