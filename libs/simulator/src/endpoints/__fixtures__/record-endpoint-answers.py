#!/usr/bin/env python3
"""Sends crafted TCP segments from namespace A to a real Linux listener in namespace B and
lets tcpdump (run by record-endpoint-answers.sh) capture B's answers.

Run only through record-endpoint-answers.sh, which builds and removes the namespaces.
Standard library only: raw IPv4/TCP sockets, checksums computed here.
"""
import os
import random
import socket
import struct
import sys
import time

SRC, DST = "10.77.0.1", "10.77.0.2"
LISTEN_PORT, CLOSED_PORT = 9000, 9001
MARK = 0x77  # namespace A's firewall lets only marked (crafted) RSTs out
FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def segment(sport, dport, seq, ack, flags, payload=b"", window=64240):
    header = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 5 << 4, flags, window, 0, 0)
    pseudo = socket.inet_aton(SRC) + socket.inet_aton(DST) + struct.pack("!BBH", 0, 6, len(header) + len(payload))
    csum = checksum(pseudo + header + payload)
    return header[:16] + struct.pack("!H", csum) + header[18:] + payload


class Peer:
    def __init__(self):
        self.out = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
        self.out.setsockopt(socket.SOL_SOCKET, socket.SO_MARK, MARK)
        self.inp = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
        self.inp.settimeout(1.0)

    def send(self, sport, dport, seq, ack, flags, payload=b""):
        self.out.sendto(segment(sport, dport, seq, ack, flags, payload), (DST, 0))
        time.sleep(0.05)

    def wait_for(self, sport, wanted, what):
        deadline = time.time() + 3
        while time.time() < deadline:
            data = self.inp.recv(65535)
            ihl = (data[0] & 0x0F) * 4
            _s, d, seq, _ack, _off, flags = struct.unpack("!HHIIBB", data[ihl : ihl + 14])
            if d == sport and flags & wanted == wanted:
                return seq
        sys.exit(f"no {what} for port {sport}")

    def wait_synack(self, sport):
        return self.wait_for(sport, SYN | ACK, "SYN-ACK")

    def handshake(self, sport, iss):
        self.send(sport, LISTEN_PORT, iss, 0, SYN)
        server_isn = self.wait_synack(sport)
        self.send(sport, LISTEN_PORT, iss + 1, server_isn + 1, ACK)
        return server_isn


def main():
    rnd = random.Random(int(os.environ.get("SEED", "7")))
    p = Peer()
    # 1. SYN to a closed port: RST+ACK, ack = seq + 1.
    p.send(41001, CLOSED_PORT, rnd.getrandbits(32), 0, SYN)
    # 2. Bare ACK (with data) to the listener, no connection: RST, seq = SEG.ACK.
    p.send(41002, LISTEN_PORT, rnd.getrandbits(32), rnd.getrandbits(32), ACK | PSH, b"x" * 100)
    # 3. Handshake, then provoke the established socket.
    iss = rnd.getrandbits(32)
    p.send(41003, LISTEN_PORT, iss, 0, SYN)
    server_isn = p.wait_synack(41003)
    p.send(41003, LISTEN_PORT, iss + 1, server_isn + 1, ACK)
    time.sleep(0.6)
    p.send(41003, LISTEN_PORT, iss + 1, server_isn + 1, ACK | PSH, b"hello")  # in order: ACK
    time.sleep(0.6)
    p.send(41003, LISTEN_PORT, iss + 3_000_000, 0, SYN)  # SYN on ESTABLISHED: challenge ACK
    time.sleep(0.6)
    p.send(41003, LISTEN_PORT, iss + 5000, 0, RST)  # RST in window, not RCV.NXT: challenge ACK
    time.sleep(0.6)
    p.send(41003, LISTEN_PORT, iss + 2_000_000_000, server_isn + 1, ACK | PSH, b"y" * 10)  # out of window: dup ACK
    time.sleep(0.6)
    p.send(41003, LISTEN_PORT, iss + 3_000_001, 0, SYN)  # again, 0.6 s later: challenge ACK
    p.send(41003, LISTEN_PORT, iss + 3_000_002, 0, SYN)  # 50 ms later: rate-limited, nothing
    time.sleep(0.6)
    p.send(41003, LISTEN_PORT, iss + 6, 0, RST)  # RST at RCV.NXT: connection reset, nothing sent
    p.send(41003, LISTEN_PORT, iss + 6, server_isn + 1, ACK)  # now only the listener: RST
    time.sleep(0.3)
    closing_states(p, rnd)


def closing_states(p, rnd):
    """The listener's application closes connection 1 and 3 at once, 2 after 1 s unread."""
    # Connection 1: the host closes first -> FIN-WAIT-2 (orphan) -> TIME-WAIT, then reuse.
    iss = rnd.getrandbits(31)
    isn = p.handshake(42001, iss)
    p.wait_for(42001, FIN, "FIN")
    p.send(42001, LISTEN_PORT, iss + 1, isn + 2, ACK)  # ACK of its FIN: nothing
    p.send(42001, LISTEN_PORT, iss + 1, isn + 2, FIN | ACK)  # our FIN: ACK, TIME-WAIT
    p.send(42001, LISTEN_PORT, iss + 1, isn + 2, FIN | ACK)  # retransmitted FIN: TW ACK
    time.sleep(0.6)
    p.send(42001, LISTEN_PORT, iss - 1000, 0, SYN)  # old SYN: TW ACK
    time.sleep(0.6)
    p.send(42001, LISTEN_PORT, iss + 100_000, 0, SYN)  # newer SYN: reopened, SYN-ACK
    p.send(42001, LISTEN_PORT, iss + 100_001, 0, RST)  # drop that request: nothing
    # Connection 2: 50 bytes the application never reads; it closes after 1 s: RST.
    iss = rnd.getrandbits(31)
    isn = p.handshake(42002, iss)
    p.send(42002, LISTEN_PORT, iss + 1, isn + 1, ACK | PSH, b"z" * 50)
    p.wait_for(42002, RST, "RST")
    time.sleep(0.1)
    # Connection 3: orphaned FIN-WAIT-2 in its small form.
    iss = rnd.getrandbits(31)
    isn = p.handshake(42003, iss)
    p.wait_for(42003, FIN, "FIN")
    p.send(42003, LISTEN_PORT, iss + 1, isn + 2, ACK)  # ACK of its FIN: nothing
    p.send(42003, LISTEN_PORT, iss + 1_500_000_000, 0, SYN)  # far outside the window: ACK
    p.send(42003, LISTEN_PORT, iss + 1, isn + 2, ACK | PSH, b"late")  # data after close: RST
    p.send(42003, LISTEN_PORT, iss + 5, isn + 2, ACK)  # socket gone: listener RST
    time.sleep(0.3)
    # Connection 4: the application half-closes (shutdown SHUT_WR) and keeps the socket: a
    # FIN-WAIT-2 full socket that a new SYN on the same four-tuple meets (seed 000).
    iss = rnd.getrandbits(31)
    isn = p.handshake(42004, iss)
    p.wait_for(42004, FIN, "FIN")
    p.send(42004, LISTEN_PORT, iss + 1, isn + 2, ACK)  # ACK of its FIN: nothing
    time.sleep(0.6)
    p.send(42004, LISTEN_PORT, iss + 700_000_000, 0, SYN)  # new SYN: challenge ACK
    p.send(42004, LISTEN_PORT, iss + 1, 0, RST)  # the RST a client sends back: reset
    p.send(42004, LISTEN_PORT, iss + 700_000_000, 0, SYN)  # retransmitted SYN: SYN-ACK
    time.sleep(0.3)


def challenge_limit(p, rnd):
    """Three established connections; namespace b runs with tcp_challenge_ack_limit=1."""
    conns = []
    for port in (43001, 43002, 43003):
        iss = rnd.getrandbits(31)
        conns.append((port, iss, p.handshake(port, iss)))
    time.sleep(0.6)
    for port, iss, _isn in conns:  # within one second: only the first is answered
        p.send(port, LISTEN_PORT, iss + 900_000_000, 0, SYN)
    time.sleep(1.1)
    port, iss, _isn = conns[1]  # a new second: answered again
    p.send(port, LISTEN_PORT, iss + 900_000_001, 0, SYN)
    time.sleep(0.3)


if __name__ == "__main__":
    if os.environ.get("SCENARIO") == "challenge-limit":
        challenge_limit(Peer(), random.Random(int(os.environ.get("SEED", "7"))))
    else:
        main()
