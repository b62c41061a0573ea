# Sends VLAN-tagged frames out of a veth with an AF_PACKET socket (this kernel has no 802.1Q
# module to make them): a TCP SYN in 802.1Q VLAN 10, a UDP datagram over IPv6 in QinQ
# (802.1ad 20 outside, 802.1Q 30 inside), and an ICMP echo in VLAN 10. The peer's tcpdump
# records them as they arrive.   usage: python3 inject-vlan.py <device>
import socket
import struct
import sys


def checksum(data):
    if len(data) % 2:
        data += b'\0'
    total = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def ipv4(src, dst, proto, payload, ident):
    header = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), ident, 0x4000, 64, proto, 0,
                         socket.inet_aton(src), socket.inet_aton(dst))
    header = header[:10] + struct.pack('!H', checksum(header)) + header[12:]
    return header + payload


def tcp_syn(src, dst, sport, dport, seq):
    options = struct.pack('!BBH', 2, 4, 1460) + b'\x01\x03\x03\x07'
    segment = struct.pack('!HHIIBBHHH', sport, dport, seq, 0, (5 + len(options) // 4) << 4, 0x02, 64240, 0, 0) + options
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack('!BBH', 0, 6, len(segment))
    return segment[:16] + struct.pack('!H', checksum(pseudo + segment)) + segment[18:]


def icmp_echo(ident, sequence):
    body = struct.pack('!BBHHH', 8, 0, 0, ident, sequence) + b'netmortem'
    return body[:2] + struct.pack('!H', checksum(body)) + body[4:]


def ipv6_udp(src, dst, sport, dport, payload):
    udp = struct.pack('!HHHH', sport, dport, 8 + len(payload), 0) + payload
    s, d = socket.inet_pton(socket.AF_INET6, src), socket.inet_pton(socket.AF_INET6, dst)
    pseudo = s + d + struct.pack('!IxxxB', len(udp), 17)
    udp = udp[:6] + struct.pack('!H', checksum(pseudo + udp)) + udp[8:]
    return struct.pack('!IHBB', 0x60000000, len(udp), 17, 64) + s + d + udp


dev = sys.argv[1]
sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
sock.bind((dev, 0))
dst_mac = b'\x02\x00\x00\x00\x00\x02'
src_mac = b'\x02\x00\x00\x00\x00\x01'
dot1q = lambda vid, inner: struct.pack('!HH', 0x8100, vid) + struct.pack('!H', inner)
frames = [
    dst_mac + src_mac + dot1q(10, 0x0800)
    + ipv4('10.71.10.1', '10.71.10.2', 6, tcp_syn('10.71.10.1', '10.71.10.2', 40001, 80, 123456789), 4242),
    dst_mac + src_mac + struct.pack('!HH', 0x88A8, 20) + dot1q(30, 0x86DD)
    + ipv6_udp('fd71:30::1', 'fd71:30::2', 40002, 53, b'qinq-payload'),
    dst_mac + src_mac + dot1q(10, 0x0800) + ipv4('10.71.10.1', '10.71.10.2', 1, icmp_echo(7, 1), 4243),
]
for frame in frames:
    sock.send(frame)
