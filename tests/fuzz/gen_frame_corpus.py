#!/usr/bin/env python3
# tests/fuzz/gen_frame_corpus.py - writes the seed frames of fuzz_frame into
# tests/fuzz/corpus/fuzz_frame/: valid ARP, ICMP, UDP and TCP frames for the
# stack at 10.0.0.1 (02:00:00:00:00:01), peer 10.0.0.2 (02:00:00:00:00:02).
# Each file is a flags byte (see fuzz_frame.c) and the frame(s).
import os
import struct

US_MAC, PEER_MAC = bytes([2, 0, 0, 0, 0, 1]), bytes([2, 0, 0, 0, 0, 2])
BCAST = b"\xff" * 6
US, PEER = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
# The ISS the TCP engine picks in fuzz_frame's fixed setup (clock 1 s, MAC
# ...:01, port 49152), read from a run with FZ_DEBUG=1; if the engine changes
# it, the TCP seeds still reach SYN_SENT and its reject path.
ISS = int(os.environ.get("FUZZ_TCP_ISS", "417097112"))
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "fuzz_frame")


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def eth(dst, etype, payload):
    return dst + PEER_MAC + struct.pack("!H", etype) + payload


def arp(op, tpa, tha=b"\0" * 6):
    return struct.pack("!HHBBH", 1, 0x0800, 6, 4, op) + PEER_MAC + PEER + tha + tpa


def ipv4(proto, payload, src=PEER, dst=US, options=b""):
    hl = 20 + len(options)
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | hl // 4, 0, hl + len(payload), 1,
                    0x4000, 64, proto, 0, src, dst) + options
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload


def icmp_echo(data=b"lifeline"):
    m = struct.pack("!BBHHH", 8, 0, 0, 0x1234, 1) + data
    return m[:2] + struct.pack("!H", csum(m)) + m[4:]


def udp(sport, dport, data, src=PEER, dst=US):
    ln = 8 + len(data)
    pseudo = src + dst + struct.pack("!BBH", 0, 17, ln)
    u = struct.pack("!HHHH", sport, dport, ln, 0) + data
    return u[:6] + struct.pack("!H", csum(pseudo + u) or 0xFFFF) + u[8:]


def tcp(sport, dport, seq, ack, flags, opts=b"", data=b""):
    hl = 20 + len(opts)
    t = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, (hl // 4) << 4,
                    flags, 65535, 0, 0) + opts + data
    pseudo = PEER + US + struct.pack("!BBH", 0, 6, len(t))
    return t[:16] + struct.pack("!H", csum(pseudo + t)) + t[18:]


def split(*frames, step=1):
    out = b""
    for f in frames:
        out += bytes([step]) + struct.pack("!H", len(f)) + f
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    arp_req = eth(BCAST, 0x0806, arp(1, US))
    arp_rep = eth(US_MAC, 0x0806, arp(2, US, US_MAC))
    echo = eth(US_MAC, 0x0800, ipv4(1, icmp_echo()))
    echo_opt = eth(US_MAC, 0x0800, ipv4(1, icmp_echo(), options=b"\x01" * 4))
    udp_us = eth(US_MAC, 0x0800, ipv4(17, udp(1234, 5000, b"hello")))
    dhcp = eth(BCAST, 0x0800, ipv4(17, udp(67, 68, b"\x02\x01\x06\x00" + b"\0" * 236,
                                               dst=b"\xff" * 4), dst=b"\xff" * 4))
    mss_ws = b"\x02\x04\x05\xb4\x01\x03\x03\x07"
    synack = eth(US_MAC, 0x0800, ipv4(6, tcp(3260, 49152, 1000, ISS + 1, 0x12, mss_ws)))
    data = eth(US_MAC, 0x0800, ipv4(6, tcp(3260, 49152, 1001, ISS + 1, 0x18, data=b"x" * 48)))
    seeds = {
        "arp_request": b"\x00" + arp_req,
        "arp_reply": b"\x00" + arp_rep,
        "icmp_echo": b"\x00" + echo,
        "icmp_echo_ipopt": b"\x00" + echo_opt,
        "udp_5000": b"\x00" + udp_us,
        "dhcp_offer_unconfigured": b"\x02" + dhcp,
        "tcp_synack": b"\x04" + synack,
        "split_mixed": b"\x01" + split(arp_req, echo, udp_us, arp_rep),
        "split_tcp": b"\x05" + split(synack, data, step=3),
        "split_arp_expiry": b"\x01" + split(arp_req) + bytes([255]) +
            struct.pack("!H", len(echo)) + echo,
    }
    for name, blob in seeds.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(blob)


if __name__ == "__main__":
    main()
