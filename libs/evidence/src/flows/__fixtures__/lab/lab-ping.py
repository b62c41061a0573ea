# A minimal ping (the lab host has none): ICMP or ICMPv6 echo requests over a raw socket;
# the kernel answers them.   usage: python3 lab-ping.py <address> [count]
import socket
import struct
import sys
import time

address = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 1
v6 = ':' in address
sock = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, socket.SOCK_RAW,
                     socket.IPPROTO_ICMPV6 if v6 else socket.IPPROTO_ICMP)
sock.settimeout(1)
for sequence in range(1, count + 1):
    body = struct.pack('!BBHHH', 128 if v6 else 8, 0, 0, 4242, sequence) + b'netmortem-lab'
    if not v6:  # the kernel fills in the ICMPv6 checksum itself
        padded = body + b'\0' * (len(body) % 2)
        total = sum(struct.unpack('!%dH' % (len(padded) // 2), padded))
        total = (total & 0xFFFF) + (total >> 16)
        body = body[:2] + struct.pack('!H', ~(total + (total >> 16)) & 0xFFFF) + body[4:]
    sock.sendto(body, (address, 0))
    try:
        sock.recv(2048)
    except socket.timeout:
        pass
    time.sleep(0.2)
