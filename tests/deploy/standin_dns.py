"""A stand-in for the container engine's DNS (not Docker's or podman's server).

In a compose network the service name `web` resolves to the address of
every replica; nginx asks that DNS server (NGINX_RESOLVER) for its upstream.
No container engine runs the tests, so this answers A queries for one name
with a list of loopback addresses, over UDP on a free loopback port, the way
the engine's DNS answers for a scaled service. Any other question gets an
empty answer (NOERROR, no records), which is all nginx needs.
"""

import socket
import struct
import threading

TYPE_A = 1
CLASS_IN = 1


def _question_end(packet):
    """Offset just past the question's name (a sequence of length-prefixed labels)."""
    offset = 12
    while packet[offset]:
        offset += 1 + packet[offset]
    return offset + 1


def _qname(packet):
    labels, offset = [], 12
    while packet[offset]:
        length = packet[offset]
        labels.append(packet[offset + 1 : offset + 1 + length].decode().lower())
        offset += 1 + length
    return ".".join(labels)


class StandInDNS:
    """Answer `name` with `addresses` (mutable: assign to change the replicas)."""

    def __init__(self, name, addresses, ttl_s=1):
        self.name = name.lower().rstrip(".")
        self.addresses = list(addresses)
        self.ttl_s = ttl_s
        self.queries = 0
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.sock.settimeout(0.2)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def answer(self, packet):
        ident, flags = struct.unpack("!HH", packet[:4])
        end = _question_end(packet)
        qtype, _qclass = struct.unpack("!HH", packet[end : end + 4])
        question = packet[12 : end + 4]
        records = []
        if qtype == TYPE_A and _qname(packet) == self.name:
            for address in self.addresses:
                records.append(
                    struct.pack("!HHHIH", 0xC00C, TYPE_A, CLASS_IN, self.ttl_s, 4)
                    + socket.inet_aton(address)
                )
        header = struct.pack(
            "!HHHHHH",
            ident,
            0x8180 | (flags & 0x0100),  # response, recursion available, NOERROR
            1,
            len(records),
            0,
            0,
        )
        return header + question + b"".join(records)

    def _serve(self):
        while not self.stopped.is_set():
            try:
                packet, client = self.sock.recvfrom(512)
            except TimeoutError:
                continue
            self.queries += 1
            try:
                self.sock.sendto(self.answer(packet), client)
            except (IndexError, struct.error, UnicodeDecodeError):
                continue

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        if self.thread.is_alive():
            self.thread.join()
        self.sock.close()
