#!/usr/bin/env python3
"""Checks the write side under back-pressure, which bench/floor/check-floor.py does not reach: a client
sends many large pings without reading, so the server's socket buffer fills, SSL_write reports
WANT_WRITE and the connection must wait for EPOLLOUT with its reply held; then the client reads every
pong and checks each id and payload in order. Works against keyless-floor and KeylessGeo.EpollFloor.

    check-backpressure.py PORT DEMO_DIR     (DEMO_DIR as scripts/lib/bench-keys.sh writes it)
"""
import os
import select
import socket
import ssl
import struct
import sys
import time

PORT, DEMO = int(sys.argv[1]), sys.argv[2]
COUNT, SIZE = 160, 60000  # 9.6 MB of pongs, beyond loopback's socket buffers and the client's small window
DEADLINE = time.monotonic() + 30


class Client:
    """TLS over memory BIOs on a non-blocking socket: one thread both sends and receives, and decides
    when to stop reading (Python's SSLSocket must not be read and written from two threads at once)."""

    def __init__(self):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.minimum_version = ssl.TLSVersion.TLSv1_3
        context.load_verify_locations(f"{DEMO}/tls/ca.crt")
        context.load_cert_chain(f"{DEMO}/tls/client.crt", f"{DEMO}/tls/client.key")
        # A small receive window (set before connecting) makes the server's socket fill quickly.
        self.raw = socket.socket()
        self.raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.raw.connect(("127.0.0.1", PORT))
        self.raw.setblocking(False)
        self.incoming, self.outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.tls = context.wrap_bio(self.incoming, self.outgoing, server_hostname="localhost")
        self.unsent = b""
        while True:
            try:
                self.tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                self.pump(read=True)
        self.pump(read=False)

    def pump(self, read):
        """Sends what it can of the ciphertext; when read, waits for and feeds incoming ciphertext."""
        assert time.monotonic() < DEADLINE, "no progress within 30 s"
        self.unsent += self.outgoing.read()
        _, writable, _ = select.select([], [self.raw] if self.unsent else [], [], 0)
        if writable:
            try:
                self.unsent = self.unsent[self.raw.send(self.unsent):]
            except BlockingIOError:
                pass
        if read:
            readable, _, _ = select.select([self.raw], [self.raw] if self.unsent else [], [], 1)
            if readable:
                data = self.raw.recv(1 << 18)
                if not data:
                    raise EOFError("connection closed")
                self.incoming.write(data)

    def read_plain(self):
        try:
            return self.tls.read(1 << 18)
        except ssl.SSLWantReadError:
            self.pump(read=True)
            return b""


def main():
    client = Client()
    payloads = [os.urandom(SIZE) for _ in range(COUNT)]
    client.tls.write(b"".join(
        struct.pack(">BBHI", 1, 0, 4 + 3 + SIZE, i) + b"\x11\x00\x01\xf1" + struct.pack(">BH", 0x12, SIZE) + payloads[i]
        for i in range(COUNT)))
    # Send without reading for a second: the server's replies fill the socket buffers, its SSL_write
    # reports WANT_WRITE and it stops reading; then read everything back.
    until = time.monotonic() + 1
    while time.monotonic() < until:
        client.pump(read=False)
        time.sleep(0.01)
    stalled = len(client.unsent) + client.outgoing.pending
    data = b""
    for i in range(COUNT):
        while len(data) < 8 or len(data) < 8 + struct.unpack(">H", data[2:4])[0]:
            data += client.read_plain()
        version, _, length, request_id = struct.unpack(">BBHI", data[:8])
        body, data = data[8:8 + length], data[8 + length:]
        assert (version, request_id) == (1, i), f"pong {i}: version {version} id {request_id}"
        assert body[:4] == b"\x11\x00\x01\xf2", f"pong {i}: not a pong: {body[:4].hex()}"
        assert body[7:] == payloads[i], f"pong {i}: payload differs"
    assert stalled > 0, "the server took every request without stalling: the write side was not exercised"
    print(f"check-backpressure: {COUNT} pongs of {SIZE} bytes, {stalled} request bytes held back while the server "
          "waited to write, every pong back in order: ok")


if __name__ == "__main__":
    try:
        main()
    except (AssertionError, EOFError, OSError) as failure:
        print(f"check-backpressure: FAILED: {failure}", file=sys.stderr)
        sys.exit(1)
