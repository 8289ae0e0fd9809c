"""Python grpcio client for the real keyserver: signs with one ECDSA P-256 key over mutual TLS,
once with unary Sign and COUNT times on one SignStream, and prints one JSON object with the
digests and DER signatures (hex) for the C# test to verify. Usage:
keyserver_client.py STUBS_DIR PORT CA CERT KEY KEY_ID COUNT"""
import hashlib
import json
import sys

import grpc

stubs, port, ca_path, cert_path, key_path, key_id, count = sys.argv[1:8]
count = int(count)
sys.path.insert(0, stubs)
from keylessgeo.v1 import keyserver_pb2 as pb  # noqa: E402
from keylessgeo.v1 import keyserver_pb2_grpc as pb_grpc  # noqa: E402


def read(path):
    with open(path, "rb") as f:
        return f.read()


def digest(text):
    return hashlib.sha256(text.encode("ascii")).digest()


def request(i, key, payload):
    return pb.SignRequest(id=i, key=pb.KeyRef(key_id=key), operation=pb.OPERATION_ECDSA_SHA256, payload=payload)


def outcome(response):
    if response.WhichOneof("outcome") == "result":
        return {"id": response.id, "signature": response.result.hex(), "error": None,
                "served_by": response.served_by.keyserver_id}
    return {"id": response.id, "signature": None, "error": pb.ErrorCode.Name(response.error.code),
            "served_by": response.served_by.keyserver_id}


target = "127.0.0.1:" + port
options = [("grpc.ssl_target_name_override", "localhost")]
creds = grpc.ssl_channel_credentials(
    root_certificates=read(ca_path), private_key=read(key_path), certificate_chain=read(cert_path))
results = {}
with grpc.secure_channel(target, creds, options=options) as channel:
    stub = pb_grpc.KeyServerStub(channel)
    results["unary"] = outcome(stub.Sign(request(1, key_id, digest("unary")), timeout=30))
    results["unknown"] = outcome(stub.Sign(request(2, "no-such-key", digest("unknown")), timeout=30))

    requests = [request(i, key_id, digest("stream-%d" % i)) for i in range(1, count + 1)]
    results["stream"] = [outcome(r) for r in stub.SignStream(iter(requests), timeout=60)]

print(json.dumps(results))
