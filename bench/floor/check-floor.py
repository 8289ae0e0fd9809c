#!/usr/bin/env python3
"""Checks that keyless-floor answers the Keyless exchange correctly before anyone measures it: the
LoadGen counts answers but does not verify signatures, so a floor that answered garbage would look
fast. Verifies ECDSA and RSA signatures with `openssl pkeyutl`, ping, the error answers, a frame split
over several TLS records, several frames in one record, a padded request, the close after a version
mismatch, and that a client without a certificate is refused.

    check-floor.py PORT DEMO_DIR     (DEMO_DIR as scripts/lib/bench-keys.sh writes it)

Exit 0 and one line when every check passes; otherwise the failed check and exit 1.
"""
import os
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import hashlib

PORT, DEMO = int(sys.argv[1]), sys.argv[2]
ECDSA_SHA256, RSA_SHA256, PING, RESPONSE, PONG, ERROR = 0x15, 0x05, 0xF1, 0xF0, 0xF2, 0xFF


def der_element(data, offset):
    """(tag, content start, content end) of the DER element at offset."""
    tag, length = data[offset], data[offset + 1]
    start = offset + 2
    if length & 0x80:
        count = length & 0x7F
        length = int.from_bytes(data[start:start + count], "big")
        start += count
    return tag, start, start + length


def ski(certificate):
    """SHA-1 of the subjectPublicKey bit string's contents (without the unused-bits byte)."""
    spki = subprocess.run(
        f"openssl x509 -in '{certificate}' -pubkey -noout | openssl pkey -pubin -outform DER",
        shell=True, check=True, capture_output=True).stdout
    _, start, _ = der_element(spki, 0)
    _, _, algorithm_end = der_element(spki, start)
    tag, bits_start, bits_end = der_element(spki, algorithm_end)
    assert tag == 0x03, "subjectPublicKey is not a BIT STRING"
    return hashlib.sha1(spki[bits_start + 1:bits_end]).digest()


def item(tag, data):
    return struct.pack(">BH", tag, len(data)) + data


def frame(request_id, *items, version=1, pad=False):
    body = b"".join(items)
    if pad:
        body += item(0x20, bytes(max(0, 1024 - 8 - len(body) - 3)))
    return struct.pack(">BBHI", version, 0, len(body), request_id) + body


def connect(certificate=True):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    context.load_verify_locations(f"{DEMO}/tls/ca.crt")
    if certificate:
        context.load_cert_chain(f"{DEMO}/tls/client.crt", f"{DEMO}/tls/client.key")
    return context.wrap_socket(socket.create_connection(("127.0.0.1", PORT), timeout=10), server_hostname="localhost")


def read_exact(connection, count):
    data = b""
    while len(data) < count:
        chunk = connection.recv(count - len(data))
        if not chunk:
            raise EOFError("connection closed")
        data += chunk
    return data


def read_response(connection):
    version, _, length, request_id = struct.unpack(">BBHI", read_exact(connection, 8))
    body = read_exact(connection, length)
    items, offset = {}, 0
    while offset < len(body):
        tag, size = struct.unpack(">BH", body[offset:offset + 3])
        items[tag] = body[offset + 3:offset + 3 + size]
        offset += 3 + size
    assert version == 1, f"response version {version}"
    return request_id, items[0x11][0], items.get(0x12, b"")


def verify(certificate, digest, signature, rsa):
    with tempfile.TemporaryDirectory() as folder:
        open(f"{folder}/digest", "wb").write(digest)
        open(f"{folder}/signature", "wb").write(signature)
        options = ["-pkeyopt", "rsa_padding_mode:pkcs1"] if rsa else []
        result = subprocess.run(
            ["openssl", "pkeyutl", "-verify", "-certin", "-inkey", certificate, "-in", f"{folder}/digest",
             "-sigfile", f"{folder}/signature", "-pkeyopt", "digest:sha256", *options], capture_output=True)
        return result.returncode == 0


def expect(connection, request_id, opcode, payload=None):
    got_id, got_opcode, got_payload = read_response(connection)
    assert got_id == request_id, f"response id {got_id:#x}, expected {request_id:#x}"
    assert got_opcode == opcode, f"request {request_id:#x}: opcode {got_opcode:#x} payload {got_payload.hex()}, expected {opcode:#x}"
    assert payload is None or got_payload == payload, f"request {request_id:#x}: payload {got_payload.hex()}, expected {payload.hex()}"
    return got_payload


def main():
    ecdsa_cert, rsa_cert = f"{DEMO}/keys/demo-ecdsa-p256.crt", f"{DEMO}/keys/demo-rsa2048.crt"
    ecdsa, rsa = item(0x04, ski(ecdsa_cert)), item(0x04, ski(rsa_cert))
    digest = os.urandom(32)
    connection = connect()

    connection.sendall(frame(1, item(0x11, bytes([ECDSA_SHA256])), item(0x12, digest), ecdsa, pad=True))
    assert verify(ecdsa_cert, digest, expect(connection, 1, RESPONSE), rsa=False), "ECDSA signature does not verify"
    connection.sendall(frame(2, item(0x11, bytes([RSA_SHA256])), item(0x12, digest), rsa))
    assert verify(rsa_cert, digest, expect(connection, 2, RESPONSE), rsa=True), "RSA signature does not verify"

    connection.sendall(frame(3, item(0x11, bytes([PING])), item(0x12, b"hello")))
    expect(connection, 3, PONG, b"hello")

    # Errors answer the request and keep the connection: unknown key, bad opcode, a response opcode as a
    # request, no opcode, the wrong key type, a short digest, an item running past the body.
    errors = [
        (frame(4, item(0x11, bytes([ECDSA_SHA256])), item(0x12, digest), item(0x04, bytes(20))), 0x02),
        (frame(5, item(0x11, b"\x24"), item(0x12, digest), ecdsa), 0x05),
        (frame(6, item(0x11, bytes([RESPONSE])), item(0x12, digest)), 0x06),
        (frame(7, item(0x12, digest), ecdsa), 0x07),
        (frame(8, item(0x11, bytes([ECDSA_SHA256])), item(0x12, digest), rsa), 0x05),
        (frame(9, item(0x11, bytes([ECDSA_SHA256])), item(0x12, digest[:31]), ecdsa), 0x07),
        (struct.pack(">BBHI", 1, 0, 4, 10) + b"\x11\x00\x09\x15", 0x07),
    ]
    for request, code in errors:
        connection.sendall(request)
        expect(connection, struct.unpack(">I", request[4:8])[0], ERROR, bytes([code]))

    # One frame over three TLS records (a partial header, then a partial body), then three frames in one.
    split = frame(11, item(0x11, bytes([PING])), item(0x12, b"split"), pad=True)
    for piece in (split[:5], split[5:300], split[300:]):
        connection.sendall(piece)
    expect(connection, 11, PONG, b"split")
    connection.sendall(b"".join(frame(12 + i, item(0x11, bytes([ECDSA_SHA256])), item(0x12, digest), ecdsa) for i in range(3)))
    for i in range(3):
        assert verify(ecdsa_cert, digest, expect(connection, 12 + i, RESPONSE), rsa=False), "pipelined signature"

    # A version mismatch is answered, then the connection closes.
    connection.sendall(frame(20, item(0x11, bytes([PING])), version=2))
    expect(connection, 20, ERROR, b"\x04")
    assert connection.recv(1) == b"", "the connection stays open after a version mismatch"
    connection.close()

    # No client certificate: the server refuses (TLS 1.3 reports it at the first read).
    try:
        anonymous = connect(certificate=False)
        anonymous.sendall(frame(21, item(0x11, bytes([PING]))))
        refused = anonymous.recv(64) == b""
    except (ssl.SSLError, ConnectionError):
        refused = True
    assert refused, "a client without a certificate was served"
    print("check-floor: signatures verify, ping, errors, split and pipelined frames, version close, client certificate required: ok")


if __name__ == "__main__":
    try:
        main()
    except (AssertionError, EOFError, OSError, subprocess.CalledProcessError) as failure:
        print(f"check-floor: FAILED: {failure}", file=sys.stderr)
        sys.exit(1)
