"""Python grpcio client for the interop suite: calls a KeylessGeo server over mutual TLS and
prints one JSON object with what it observed. Usage:
interop_client.py STUBS_DIR PORT CA CERT KEY OTHER_CERT OTHER_KEY"""
import json
import sys

import grpc

stubs, port, ca_path, cert_path, key_path, other_cert_path, other_key_path = sys.argv[1:8]
sys.path.insert(0, stubs)
from keylessgeo.v1 import keyserver_pb2 as pb  # noqa: E402
from keylessgeo.v1 import keyserver_pb2_grpc as pb_grpc  # noqa: E402


def read(path):
    with open(path, "rb") as f:
        return f.read()


def request(i, key_id, payload=b""):
    return pb.SignRequest(id=i, key=pb.KeyRef(key_id=key_id), operation=pb.OPERATION_ECDSA_SHA256, payload=payload)


def code_of(call):
    try:
        call()
        return "OK"
    except grpc.RpcError as e:
        return e.code().name


target = "127.0.0.1:" + port
options = [("grpc.ssl_target_name_override", "localhost")]
ca = read(ca_path)
results = {}

creds = grpc.ssl_channel_credentials(root_certificates=ca, private_key=read(key_path), certificate_chain=read(cert_path))
with grpc.secure_channel(target, creds, options=options) as channel:
    stub = pb_grpc.KeyServerStub(channel)

    r = stub.Sign(request(1, "key-1", b"\x01\x02\x03"), timeout=20)
    results["unary"] = {"id": r.id, "result": r.result.hex(), "served_by": r.served_by.keyserver_id}

    r = stub.Sign(request(2, "unknown"), timeout=20)
    results["unknown_key"] = pb.ErrorCode.Name(r.error.code)

    requests = [request(i, "unknown" if i % 10 == 0 else "k", i.to_bytes(4, "little")) for i in range(1, 501)]
    responses = list(stub.SignStream(iter(requests), timeout=60))
    correct = 0
    for resp in responses:
        if resp.id % 10 == 0:
            correct += resp.error.code == pb.KEY_NOT_FOUND
        else:
            correct += resp.result == resp.id.to_bytes(4, "little")[::-1]
    results["stream"] = {"count": len(responses), "unique": len({resp.id for resp in responses}), "correct": correct}

    results["deadline"] = code_of(lambda: stub.Sign(request(3, "wait-for-cancel"), timeout=0.5))

    bogus = channel.unary_unary(
        "/keylessgeo.v1.KeyServer/Bogus",
        request_serializer=pb.SignRequest.SerializeToString,
        response_deserializer=pb.SignResponse.FromString)
    results["unimplemented"] = code_of(lambda: bogus(request(4, "k"), timeout=20))

    results["oversize"] = code_of(lambda: stub.Sign(request(5, "k", b"\x00" * (5 * 1024 * 1024)), timeout=20))

    try:
        stub.Sign(request(6, "rpc-error"), timeout=20)
        results["rpc_error"] = {"code": "OK", "details": ""}
    except grpc.RpcError as e:
        results["rpc_error"] = {"code": e.code().name, "details": e.details()}

    metadata = [("x-echo-text", "hello interop"), ("x-echo-data-bin", b"\x00\x01\xfe\xff")]
    _, call = stub.Sign.with_call(request(7, "k", b"\x09"), metadata=metadata, timeout=20)
    initial = dict(call.initial_metadata())
    trailing = dict(call.trailing_metadata())
    results["metadata"] = {
        "header_text": initial.get("x-echo-text"),
        "header_bin": initial.get("x-echo-data-bin", b"").hex(),
        "trailer_text": trailing.get("trailer-x-echo-text"),
        "trailer_bin": trailing.get("trailer-x-echo-data-bin", b"").hex(),
    }

no_cert = grpc.ssl_channel_credentials(root_certificates=ca)
with grpc.secure_channel(target, no_cert, options=options) as channel:
    results["no_client_cert"] = code_of(lambda: pb_grpc.KeyServerStub(channel).Sign(request(8, "k"), timeout=10))

other = grpc.ssl_channel_credentials(root_certificates=ca, private_key=read(other_key_path), certificate_chain=read(other_cert_path))
with grpc.secure_channel(target, other, options=options) as channel:
    results["other_ca_cert"] = code_of(lambda: pb_grpc.KeyServerStub(channel).Sign(request(9, "k"), timeout=10))

print(json.dumps(results))
