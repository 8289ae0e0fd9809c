"""Python grpcio client for the real keyserver over mutual TLS. It runs every case the C# fixture
wrote (each key type and operation, unary and on one SignStream), the transport's failure cases, and
ten thousand messages on one stream with a tenth malformed, then prints one JSON object with what it
observed; the C# tests verify signatures with openssl and assert on the rest. Usage:
keyserver_client.py STUBS_DIR PORT CA CERT KEY OTHER_CERT OTHER_KEY EXPIRED_CERT EXPIRED_KEY CASES_JSON BULK_KEY_ID"""
import hashlib
import json
import sys
import threading

import grpc

(stubs, port, ca_path, cert_path, key_path, other_cert_path, other_key_path,
 expired_cert_path, expired_key_path, cases_path, bulk_key_id) = sys.argv[1:12]
sys.path.insert(0, stubs)
from keylessgeo.v1 import keyserver_pb2 as pb  # noqa: E402
from keylessgeo.v1 import keyserver_pb2_grpc as pb_grpc  # noqa: E402

BULK_VALID = 9000
MALFORMED = b"\x22\x05\x01"  # field 4 announces 5 bytes, one follows


def read(path):
    with open(path, "rb") as f:
        return f.read()


def code_of(call):
    try:
        call()
        return "OK"
    except grpc.RpcError as e:
        return e.code().name


def outcome(response):
    if response.WhichOneof("outcome") == "result":
        return {"id": response.id, "result": response.result.hex(), "error": None,
                "served_by": response.served_by.keyserver_id}
    return {"id": response.id, "result": None, "error": pb.ErrorCode.Name(response.error.code),
            "message": response.error.message, "served_by": response.served_by.keyserver_id}


def case_request(i, case):
    return pb.SignRequest(id=i, key=pb.KeyRef(key_id=case["key_id"]),
                          operation=pb.Operation.Value(case["operation"]),
                          payload=bytes.fromhex(case["payload_hex"]))


def ecdsa_request(i, key_id, text):
    return pb.SignRequest(id=i, key=pb.KeyRef(key_id=key_id), operation=pb.OPERATION_ECDSA_SHA256,
                          payload=hashlib.sha256(text.encode("ascii")).digest())


target = "127.0.0.1:" + port
options = [("grpc.ssl_target_name_override", "localhost")]
ca = read(ca_path)
cases = json.loads(read(cases_path))
results = {}

creds = grpc.ssl_channel_credentials(root_certificates=ca, private_key=read(key_path), certificate_chain=read(cert_path))
with grpc.secure_channel(target, creds, options=options) as channel:
    stub = pb_grpc.KeyServerStub(channel)
    raw_sign = channel.unary_unary("/keylessgeo.v1.KeyServer/Sign", request_serializer=None,
                                   response_deserializer=pb.SignResponse.FromString)
    raw_stream = channel.stream_stream("/keylessgeo.v1.KeyServer/SignStream", request_serializer=None,
                                       response_deserializer=pb.SignResponse.FromString)

    results["unary"] = [outcome(stub.Sign(case_request(i + 1, c), timeout=30)) for i, c in enumerate(cases)]
    results["stream"] = [outcome(r) for r in stub.SignStream(
        iter([case_request(i + 1, c) for i, c in enumerate(cases)]), timeout=60)]
    results["unknown"] = outcome(stub.Sign(ecdsa_request(1, "no-such-key", "unknown"), timeout=30))

    # A stream that is never half-closed lasts until its deadline.
    release = threading.Event()

    def open_stream():
        yield ecdsa_request(1, bulk_key_id, "deadline")
        release.wait(30)

    try:
        results["deadline"] = code_of(lambda: list(stub.SignStream(open_stream(), timeout=0.5)))
    finally:
        release.set()

    bogus = channel.unary_unary("/keylessgeo.v1.KeyServer/Bogus", request_serializer=pb.SignRequest.SerializeToString,
                                response_deserializer=pb.SignResponse.FromString)
    results["unimplemented"] = code_of(lambda: bogus(ecdsa_request(1, bulk_key_id, "bogus"), timeout=20))
    oversize = pb.SignRequest(id=1, key=pb.KeyRef(key_id=bulk_key_id), operation=pb.OPERATION_ECDSA_SHA256,
                              payload=b"\x00" * (100 * 1024))
    results["oversize"] = code_of(lambda: stub.Sign(oversize, timeout=20))

    try:
        raw_sign(MALFORMED, timeout=20)
        results["malformed_unary"] = {"code": "OK", "details": ""}
    except grpc.RpcError as e:
        results["malformed_unary"] = {"code": e.code().name, "details": e.details()}
    results["after_malformed_unary"] = outcome(stub.Sign(ecdsa_request(2, bulk_key_id, "after-malformed"), timeout=30))

    def bulk():
        for i in range(1, BULK_VALID + 1):
            yield ecdsa_request(i, bulk_key_id, "bulk-%d" % i).SerializeToString()
            if i % 9 == 0:
                yield MALFORMED

    bulk_responses = [outcome(r) for r in raw_stream(bulk(), timeout=240)]
    results["bulk"] = {
        "sent": BULK_VALID + BULK_VALID // 9,
        "bad_request_id0": sum(1 for r in bulk_responses if r["id"] == 0 and r["error"] == "BAD_REQUEST"),
        "answers": [{"id": r["id"], "result": r["result"], "error": r["error"]} for r in bulk_responses if r["id"] != 0],
    }


def refused(cert, key):
    refused_creds = grpc.ssl_channel_credentials(
        root_certificates=ca, private_key=read(key) if key else None, certificate_chain=read(cert) if cert else None)
    with grpc.secure_channel(target, refused_creds, options=options) as refused_channel:
        return code_of(lambda: pb_grpc.KeyServerStub(refused_channel).Sign(ecdsa_request(9, bulk_key_id, "refused"), timeout=10))


results["no_client_cert"] = refused(None, None)
results["other_ca_cert"] = refused(other_cert_path, other_key_path)
results["expired_cert"] = refused(expired_cert_path, expired_key_path)
print(json.dumps(results))
