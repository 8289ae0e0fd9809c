"""Python grpcio KeyServer with fake logic for the interop suite. Requires client certificates
from the given CA, binds 127.0.0.1 on a free port and prints the port on stdout.
Usage: interop_server.py STUBS_DIR CA CERT KEY"""
import sys
import threading
from concurrent import futures

import grpc

stubs, ca_path, cert_path, key_path = sys.argv[1:5]
sys.path.insert(0, stubs)
from keylessgeo.v1 import keyserver_pb2 as pb  # noqa: E402
from keylessgeo.v1 import keyserver_pb2_grpc as pb_grpc  # noqa: E402

ABORT_DETAIL = "Schlüssel 100% ungültig ✓ (python)"


def read(path):
    with open(path, "rb") as f:
        return f.read()


def peer_name(context):
    names = context.auth_context().get("x509_common_name") or [b""]
    return names[0].decode()


def process(request, context):
    key_id = request.key.key_id
    served_by = pb.ServedBy(keyserver_id=peer_name(context), datacenter="python")
    if key_id == "unknown":
        return pb.SignResponse(id=request.id, error=pb.SignError(code=pb.KEY_NOT_FOUND, message="no such key"), served_by=served_by)
    if key_id == "abort":
        context.abort(grpc.StatusCode.FAILED_PRECONDITION, ABORT_DETAIL)
    if key_id == "wait-for-cancel":
        done = threading.Event()
        context.add_callback(done.set)
        done.wait(60)
    return pb.SignResponse(id=request.id, result=request.payload[::-1], served_by=served_by)


class KeyServer(pb_grpc.KeyServerServicer):
    def Sign(self, request, context):
        echoed = [(k, v) for k, v in context.invocation_metadata() if k.startswith("x-echo")]
        if echoed:
            context.send_initial_metadata(echoed)
            context.set_trailing_metadata([("trailer-" + k, v) for k, v in echoed])
        return process(request, context)

    def SignStream(self, request_iterator, context):
        for request in request_iterator:
            yield process(request, context)

    def GetCapacity(self, request, context):
        return pb.Capacity(algorithms=[pb.AlgorithmCapacity(algorithm="ecdsa-p256", operations_per_second=1.0)])


server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
pb_grpc.add_KeyServerServicer_to_server(KeyServer(), server)
credentials = grpc.ssl_server_credentials([(read(key_path), read(cert_path))], root_certificates=read(ca_path), require_client_auth=True)
port = server.add_secure_port("127.0.0.1:0", credentials)
server.start()
print(port, flush=True)
server.wait_for_termination()
